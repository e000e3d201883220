"""Crosscurrents engine: raw articles -> processed tables. Never imports streamlit
(except lib.loaders, which holds the app's cached loaders)."""
