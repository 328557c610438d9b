"""once_per_run: what a run asks many times is read once in it, and again in the next run."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app() -> None:
    import streamlit as st

    from app_pages.run_memo import once_per_run

    st.session_state.setdefault("reads", 0)

    @once_per_run
    def mode() -> str:
        st.session_state["reads"] += 1
        return st.session_state.get("mode_in_file", "local")

    st.write(f"{mode()} {mode()} {mode()}")
    st.write(f"reads: {st.session_state['reads']}")


def test_a_value_is_read_once_a_run_and_again_in_the_next() -> None:
    at = AppTest.from_function(_app).run()
    assert [m.value for m in at.markdown] == ["local local local", "reads: 1"]
    at.session_state["mode_in_file"] = "team"  # the file changed between runs
    at.run()
    assert [m.value for m in at.markdown] == ["team team team", "reads: 2"]


def test_outside_a_run_it_is_read_every_time() -> None:
    from app_pages.run_memo import once_per_run

    reads: list[int] = []

    @once_per_run
    def count() -> int:
        reads.append(1)
        return len(reads)

    assert (count(), count()) == (1, 2)
