// Scrolls the page to the element with the given id once it is drawn: the Overview's
// reader uses it to bring a linked sentence, marked in its article, into view.
// Once per link (the "once" key): a rerun of the same view (a toggle) leaves the
// reader's scroll where the reader put it.

function asText(data) {
  if (typeof data === "string") return data;
  return new TextDecoder().decode(data);
}

export default function (component) {
  const { data, parentElement } = component;
  const box = parentElement.closest && parentElement.closest('[data-testid="stElementContainer"]');
  if (box) box.style.display = "none";  // takes no room on the page
  const { id, once } = JSON.parse(asText(data));
  if (window.__crosscurrentsScrolledTo === once) return;
  let tries = 0;
  const find = () => {
    const el = document.getElementById(id);
    if (el) {
      el.scrollIntoView({ block: "center" });
      window.__crosscurrentsScrolledTo = once;
    } else if (++tries < 100) {
      setTimeout(find, 50);  // the element is drawn after this one, or soon after
    }
  };
  find();
}
