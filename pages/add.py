"""Add articles: upload or paste, check what the engine extracts, then commit. Off unless enabled."""
from pages.widgets import ensure_navigation

ensure_navigation()

import pandas as pd
import streamlit as st

from lib import acled, ingest, loaders, pipeline
from lib.highlight import escape_markdown as escape, reader_href
from pages.add_views import metadata_form, preview
from pages.widgets import MISSING, setting, signed_in_user

st.title("Add articles")
if str(setting("allow_ingest", "")).strip().lower() not in ("1", "true", "yes", "on"):
    st.info("Adding articles is disabled on this deployment: the corpus can be read here but not changed. "
            "(An administrator enables it with CROSSCURRENTS_ALLOW_INGEST=1 or `allow_ingest = true` under `[crosscurrents]` in the secrets.)")
    st.stop()


@st.cache_resource(show_spinner=False)
def engine():
    return pipeline.load_context()


def attempt(action, done, link: bool = False) -> None:
    """Run a commit; then the next run reads the new build, with empty uploaders, and says what was done."""
    try:
        result = action()
    except ingest.IngestError as err:
        st.error(escape(str(err)))
        return
    loaders.current_build_id.clear()
    state.update(add_done=done(result), add_links=result.article_ids if link else [], add_round=state["add_round"] + 1, add_drafts={})
    st.rerun()


ctx, state = engine(), st.session_state
state.setdefault("add_round", 0)
state.setdefault("add_drafts", {})
if "add_done" in state:
    st.success(escape(state.pop("add_done")))
    if links := [f"[{aid}]({reader_href(aid)})" for aid in state.pop("add_links", [])]:
        st.markdown("Open in the reader: " + ", ".join(links))
user = signed_in_user() or st.text_input("Your name, for the audit log", key="add_user", max_chars=100).strip()
# A commit would wait for the rebuild's lock (minutes at 100,000 articles), then give up.
rebuilding = loaders.refresh_state().rebuilding_since is not None
if rebuilding:
    st.info("The store is being rebuilt (see the sidebar): uploads can be checked now, and added once it is done.", icon=":material/autorenew:")
tab_articles, tab_acled, tab_log = st.tabs(["Articles", "Event data (ACLED)", "Added articles and audit log"])
build, rnd = loaders.current_build_id(), state["add_round"]


def draft(item: ingest.Extracted, given: dict):
    """(draft, error) prepared once per article, metadata and store build (kept for the session)."""
    key = (item.name, item.content_hash, tuple(sorted((k, str(v)) for k, v in given.items())), build)
    if key not in state["add_drafts"]:
        state["add_drafts"][key] = ingest.try_prepare(item, ctx, given)
    return state["add_drafts"][key]


with tab_articles:
    st.caption("Upload .txt, .md, .html or .json files, or paste text. HTML is reduced to the article's text, offline. Nothing is added until you press the button at the end.")
    files = st.file_uploader("Files", type=sorted(k.lstrip(".") for k in ingest.KINDS), accept_multiple_files=True, key=f"add_files_{rnd}")
    pasted = st.text_area("…or paste an article", key=f"add_paste_{rnd}", height=120)
    uploads = [(f.name, f.getvalue()) for f in files or []] + ([("pasted text.txt", pasted.encode("utf-8"))] if pasted.strip() else [])
    items, errors = ingest.read_uploads(uploads)
    drafts = []
    bar = st.progress(0.0) if items else None
    for i, item in enumerate(items):
        if bar is not None:
            bar.progress((i + 1) / len(items), text=f"Extracting {i + 1} of {len(items)}: {item.name}")
        base, err = draft(item, {})
        if err:
            errors.append(err)
            continue
        n = base.counts()
        with st.expander(escape(f"{item.name} · {base.article['title'] or 'untitled'} · {n['actors']} actors, {n['figures']} figures"), expanded=len(items) == 1):
            given = metadata_form(base, ctx, key=item.content_hash[:12])
            d, err = draft(item, given) if given else (base, None)
            for note in ([err] if err else d.notices):
                (st.error if err else st.info)(escape(note))
            if d:
                drafts.append(d)
                preview(d, ctx.registry)
    if bar:
        bar.empty()
    drafts, batch_errors = ingest.within_batch(drafts)
    for err in errors + batch_errors:
        st.error(escape(err))
    decisions: dict[str, str] = {}
    for d in drafts:
        if d.duplicate is None:
            continue
        st.warning(escape(f"{d.source.name} is {d.duplicate.describe()}."))
        decisions[d.article_id] = st.radio("What to do with it", ["link", "separate", "skip"], key=f"add_dup_{d.article_id}", horizontal=True,
                                           format_func={"link": f"Link it to {d.duplicate.of} (counted once)", "separate": "Add as a separate article", "skip": "Leave it out"}.get)
    ready = [d for d in drafts if decisions.get(d.article_id) != "skip"]
    if uploads and st.button(f"Add {len(ready)} article(s)", type="primary", disabled=not ready or not user or rebuilding, key="add_commit"):
        attempt(lambda: ingest.commit(ready, user=user, via="app", decisions=decisions),
                lambda r: f"Added {len(r.article_ids)} article(s): {', '.join(r.article_ids)} (store updated, {r.mode}).", link=True)
    if uploads and not user:
        st.caption("Give your name above to add articles.")

with tab_acled:
    st.caption("An ACLED CSV export: its events are counted per month and actor, cited as ACLED, and shown beside the articles' claims on the Attacks and Timeline pages.")
    export = st.file_uploader("ACLED export (.csv)", type=["csv"], key=f"acled_file_{rnd}")
    plan = None
    try:
        plan = acled.plan_import(export.name, export.getvalue(), ctx) if export else None
    except ingest.IngestError as err:
        st.error(escape(str(err)))
    if plan:
        for note in [*plan.notices, plan.summary()]:
            st.info(escape(note))
        st.dataframe(acled.preview_table(plan, ctx.registry), hide_index=True, width="stretch", placeholder=MISSING)
        if st.button(f"Import {len(plan.events)} event(s)", type="primary", disabled=not user or rebuilding, key="acled_commit"):
            attempt(lambda: acled.commit_import(plan, user=user, via="app"), lambda r: f"Imported {r.detail} ACLED event(s) (store updated, {r.mode}).")

with tab_log:
    added = pd.DataFrame(ingest.added_articles(), columns=["article_id", "title", "outlet", "published", "linked_to", "added_by", "added_at"])
    st.dataframe(added, hide_index=True, width="stretch", placeholder=MISSING, key="add_added")
    gone = st.selectbox("Remove an added article", added["article_id"], index=None, key="add_remove_pick") if len(added) else None
    if gone and st.button(f"Remove {gone}", key="add_remove", disabled=not user or rebuilding):
        attempt(lambda: ingest.remove(gone, user=user, via="app"), lambda r: f"Removed {gone}; a copy is kept in data/removed/ (store updated, {r.mode}).")
    st.subheader("Audit log")
    log = pd.DataFrame(reversed(ingest.read_audit()), columns=["at", "who", "via", "action", "article_id", "file", "events", "outlet", "linked_to", "sha256", "build"])
    st.dataframe(log, hide_index=True, width="stretch", placeholder=MISSING, key="add_audit")
