"""Shared Streamlit widgets of the studio (session, feedback, evidence, graph, diagnosis pickers)."""
