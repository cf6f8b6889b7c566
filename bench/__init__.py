"""Speed benchmark of the dashboard against a naive st_folium app: ``python -m bench`` (see README.md)."""
