"""Inline keyboards once used: the pressed message loses its keyboard (``editMessageReplyMarkup`` on that very
message) and the press is answered (``answerCallbackQuery``); a keyboard a typed answer made stale is removed
too, and a press on it all the same (an old screen) gets a polite answer.
"""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_telegram import Tg, telegram
from tests.fakes import deployment
from tests.fakes.telegram_store import BotMessage
from tests.fakes.telegram_users import TgUser


def _markup_edits(tg: Tg, message: BotMessage) -> list[object]:
    """The keyboards the bot set on ``message`` by editMessageReplyMarkup (answered 200), in order."""
    return [call.params.get("reply_markup") for call in tg.server.calls
            if call.method.lower() == "editmessagereplymarkup" and call.status == 200
            and str(call.params.get("message_id")) == str(message.message_id)
            and str(call.params.get("chat_id")) == str(message.chat_id)]


async def _press(tg: Tg, user: TgUser, label: str) -> tuple[BotMessage, tuple[str, ...]]:
    """Press ``label`` on the latest message that shows it; that message and the reply's message ids."""
    message = next(m for m in reversed(user.replies()) if m.button(label))
    assert message.flat, "the button is on a keyboard shown now"
    ids = await tg.does(user, user.press(label))
    answer = await user.wait_answer(10)
    assert answer.message_id == message.message_id
    await user.wait_until(lambda: not message.flat, 10, "the pressed keyboard removed")
    return message, ids


async def test_a_pressed_keyboard_is_removed_and_the_press_answered(tmp_path: Path) -> None:
    lines = deployment.script()
    async with telegram(tmp_path, units=1) as tg:
        lan = tg.server.user(901, "Lan")
        await tg.says(lan, f"/start {tg.codes[0]}")
        await tg.says(lan, lines[0])
        await tg.says(lan, lines[1])
        done, ids = await _press(tg, lan, "Xong")  # the paragraphs are the answer
        assert ids == ("engine.text_saved", "engine.question")
        await tg.says(lan, lines[3])
        done_again, ids = await _press(tg, lan, "Xong")
        assert ids == ("engine.text_saved", "engine.question")
        skip, ids = await _press(tg, lan, "Bỏ qua")  # an optional question's own button
        assert ids == ("engine.skipped", "engine.question")
        for pressed in (done, done_again, skip):
            assert len(_markup_edits(tg, pressed)) == 1  # removed once, by editing that message
            assert pressed.versions and pressed.versions[-1].reply_markup  # it had the keyboard before
            assert pressed.text == pressed.versions[-1].text  # its words stay as they were
        assert tg.server.unanswered_callbacks() == 0
        # Typed instead of pressed: the keyboard is stale, and removed. A press on it all the same (an old
        # screen) is answered politely and answers nothing.
        await tg.says(lan, lines[6])
        part = next(m for m in reversed(lan.replies()) if m.button("Xong"))
        await tg.says(lan, lines[7])  # a second part: the first part's «Xong» is stale now
        await lan.wait_until(lambda: not part.flat, 10, "the first part's keyboard removed")
        left = next(m for m in reversed(lan.replies()) if m.button("Xong"))
        assert await tg.says(lan, "xong") == ("engine.text_saved", "engine.question")
        await lan.wait_until(lambda: not left.flat, 10, "the typed keyboard removed")
        assert await tg.does(lan, lan.press("Xong", message=left)) == ("bot.button_stale",)
        assert [len(_markup_edits(tg, m)) for m in (part, left)] == [1, 1]  # once each, never again
        assert tg.server.unanswered_callbacks() == 0
        # At any moment the chat shows at most one keyboard: the latest question's.
        assert sum(1 for m in lan.replies() if m.flat) <= 1
    stored = [f for f, _ in deployment.answers(tg.url)["Xã Thử 0"]]
    assert len(stored) == len(set(stored)) == 4  # three text fields and one skip, each once
