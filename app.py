"""ReadyBed: find, check and hold a treatment bed before an intervention begins.

The frame only: page config, the crisis lines and the demo warning on every page, the team
mode gate (sign-in, or a refusal that says why), navigation. Each page lives in
``app_pages/``. Run with ``streamlit run app.py``.
"""

from pathlib import Path

import streamlit as st

from app_pages import team_ui, ui

st.set_page_config(
    page_title="ReadyBed",
    # A file of the app's own: a ":material/...:" icon would load from a third-party font host.
    page_icon=str(Path(__file__).parent / "assets" / "readybed-icon.png"),
    layout="wide",
    initial_sidebar_state="auto",
)
ui.crisis_banner()
# Local mode passes straight through; a team server shows nothing more until signed in.
team_ui.gate(ui.get_engine)
ui.init_state()

# The pages in the order of the user's journey, grouped here for the reader of this file. Add
# pages here. The sidebar lists them flat: Streamlit draws sections as a list whose items sit
# inside a div, which a screen reader cannot read as a list (axe "list"/"listitem", see
# docs/accessibility.md).
PAGES = {
    "Find a bed": [
        st.Page("app_pages/search.py", title="Search", icon=":material/search:", default=True),
        st.Page("app_pages/care_level.py", title="Level of care", icon=":material/stethoscope:"),
        st.Page("app_pages/shortlist.py", title="Shortlist", icon=":material/checklist:"),
    ],
    "Intervention": [
        st.Page("app_pages/plan.py", title="Plan", icon=":material/groups:"),
        st.Page("app_pages/placement.py", title="Placement", icon=":material/bed:"),
        st.Page("app_pages/readiness.py", title="Readiness", icon=":material/task_alt:"),
        st.Page("app_pages/team.py", title="Team", icon=":material/group_add:"),
    ],
    "Settings": [
        st.Page("app_pages/data.py", title="Data", icon=":material/database:"),
    ],
}

page = st.navigation([page for section in PAGES.values() for page in section])
ui.demo_banner()
page.run()
ui.keep_loaded_data_out_of_gc()
