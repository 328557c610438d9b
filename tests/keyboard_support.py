"""Drive the app with the keyboard alone: Tab to a control, then Enter, Space, arrows or typing.

``Keys.reach`` presses Tab until the control is focused (never a click, never ``focus()``)
and checks the focus can be seen: the pixels around the control change when it takes focus.
Used by the accessibility browser test; the axe-core run shares ``run_axe``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from browser_support import App
from playwright.sync_api import FloatRect, Locator, expect

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 A/AA rules (2.2 adds target-size) and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations']}).then(result => result.violations.map(v =>
    ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))"""
IS_FOCUSED = "e => e === document.activeElement || e.contains(document.activeElement)"
MAX_TABS = 250


def run_axe(app: App) -> list[dict[str, object]]:
    """Return axe-core's violations on the page as it is now: id, impact, node selectors."""
    app.idle("the page before the accessibility audit")
    if not app.page.evaluate("typeof axe !== 'undefined'"):
        app.page.add_script_tag(path=str(AXE))
    return list(app.page.evaluate(RUN_AXE, AXE_TAGS))


class Keys(App):
    """An app page driven by the keyboard."""

    def reach(self, target: Locator, what: str, *, backwards: bool = False) -> None:
        """Press Tab (Shift+Tab with ``backwards``) until ``target`` has focus; check the focus
        is visible."""
        target = target.first
        self.check(what, lambda: target.wait_for(state="visible"))
        self.idle(f"the app before tabbing to {what}")
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(MAX_TABS):
            if target.evaluate(IS_FOCUSED):
                break
            self.page.keyboard.press(key)
        else:
            self.failed(f"{what} by the Tab key", AssertionError(f"not reached in {MAX_TABS}"))
        self._check_focus_visible(target, what)

    def press(self, target: Locator, what: str, key: str = "Enter") -> None:
        """Tab to ``target`` and press ``key`` on it."""
        self.reach(target, what)
        self.page.keyboard.press(key)

    def type_into(self, target: Locator, what: str, text: str) -> None:
        """Tab to a text field, replace its text with ``text``."""
        self.reach(target, what)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)

    def choose_option(self, box: Locator, what: str, option: str, *, many: bool = False) -> None:
        """Tab to a select box, open it with Alt+ArrowDown, arrow to ``option``, take it with
        Enter (typing to filter is not offered on a phone, so arrows it is). ``many``: a
        multiselect, whose chosen options show as tags."""
        combobox = box.get_by_role("combobox")
        self.reach(combobox, what)
        self.page.keyboard.press("ArrowDown")
        options = self.page.get_by_role("listbox").get_by_role("option")
        self.check(f"the options of {what}", lambda: options.first.wait_for())
        names = [name.strip() for name in options.all_inner_texts()]
        if option not in names:
            self.failed(f"{option!r} among {what}'s options", AssertionError(str(names)))
        for _ in range(len(names) + 1):
            active = combobox.get_attribute("aria-activedescendant") or ""
            shown = self.page.locator(f'[id="{active}"]') if active else None
            if shown is not None and shown.inner_text().strip() == option:
                break
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Enter")
        if many:
            self.page.keyboard.press("Escape")  # a multiselect stays open for more

        def chosen() -> None:
            if many:
                expect(box).to_contain_text(option)
            else:
                expect(combobox).to_have_value(option)

        self.check(f"{option!r} chosen in {what}", chosen)

    def choose_radio(self, group: Locator, what: str, option: str) -> None:
        """Tab into a radio group, then move with the arrow keys until ``option`` is checked."""
        self.reach(group.get_by_role("radio").first, what)
        wanted = group.get_by_role("radio", name=option, exact=True)
        options = group.get_by_role("radio").count()
        for _ in range(options + 1):
            if wanted.evaluate(IS_FOCUSED):
                break
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Space")
        self.check(f"{option!r} checked in {what}", lambda: wanted.is_checked() or _fail())

    def open_tab(self, name: str) -> None:
        """Tab to the tab list (its chosen tab is the one in the Tab order), arrow to ``name``,
        Enter: the ARIA tabs pattern."""
        wanted = self.page.get_by_role("tab", name=name, exact=True)
        self.check(f"one tab {name!r}", lambda: expect(wanted).to_have_count(1))
        tablist = self.page.get_by_role("tablist").filter(has=wanted)
        self.reach(tablist.get_by_role("tab", selected=True), f"the tabs holding {name!r}")
        for _ in range(tablist.get_by_role("tab").count()):
            if wanted.evaluate(IS_FOCUSED):
                break
            self.page.keyboard.press("ArrowRight")
        self.page.keyboard.press("Enter")
        self.check(
            f"the tab {name!r} chosen",
            lambda: expect(wanted).to_have_attribute("aria-selected", "true"),
        )

    def type_date(self, label: str, day: date) -> None:
        """Tab to a date field's year segment and type the date (it moves on by itself)."""
        self.reach(self.page.get_by_role("spinbutton", name=f"year, {label}", exact=True), label)
        self.page.keyboard.type(day.strftime("%Y%m%d"))

    def type_time(self, label: str, hours_minutes: str) -> None:
        """Tab to a time field's hour segment and type the time."""
        self.reach(self.page.get_by_role("spinbutton", name=f"hour, {label}", exact=True), label)
        self.page.keyboard.type(hours_minutes.replace(":", ""))

    def sidebar_page(self, name: str, *, folded: bool) -> None:
        """Open a page by its sidebar link (unfolding the sidebar first on a phone)."""
        if folded:
            self.press(
                self.page.get_by_test_id("stExpandSidebarButton"), "the button opening the menu"
            )
        self.press(
            self.page.get_by_role("link", name=name, exact=True), f"the {name} link", "Enter"
        )
        self.frames(4)
        self.idle(f"the {name} page")

    def _check_focus_visible(self, target: Locator, what: str) -> None:
        """The control looks different with focus than without: blur it, compare, focus back
        (programmatic focus after a key press keeps ``:focus-visible`` in Chromium)."""
        self.frames(3)  # focus styles fade in
        focused = self._look(target)
        active = self.page.evaluate_handle("document.activeElement")
        active.evaluate("e => e.blur()")
        self.frames(3)
        blurred = self._look(target)
        active.evaluate("e => e.focus()")
        self.frames(2)
        if focused == blurred:
            self.failed(f"a visible focus on {what}", AssertionError("no pixel changed"))

    def _look(self, target: Locator) -> bytes:
        """A screenshot of ``target`` and a few pixels around it (where focus rings draw)."""
        box = target.bounding_box()
        if box is None:
            return b""
        pad = 4
        clip = FloatRect(
            x=max(box["x"] - pad, 0),
            y=max(box["y"] - pad, 0),
            width=box["width"] + 2 * pad,
            height=box["height"] + 2 * pad,
        )
        return self.page.screenshot(clip=clip, animations="disabled", caret="hide")


def _fail() -> bool:
    raise AssertionError("not checked")
