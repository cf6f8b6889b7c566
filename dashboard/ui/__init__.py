"""Shared Streamlit pieces: filters, headline cards, the "data as of" stamp, the map view."""
