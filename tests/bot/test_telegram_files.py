"""``file`` fields over Telegram: a photo or a document answers them (stored as the file's Telegram handle,
name, type and size), typed text and files too big for a bot are refused, and a file where none is asked
for is explained; the conversation goes on after each.
"""

from __future__ import annotations

import io
from pathlib import Path

from dialogs.conversation.answering import MAX_FILE_BYTES
from dialogs.template.loader import load_template
from tests.bot.test_telegram import telegram
from tests.fakes import deployment
from tests.fakes.telegram_users import PNG

TEMPLATE = Path(__file__).resolve().parents[1] / "data" / "file_field.yaml"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


async def test_photos_and_documents_answer_file_fields(tmp_path: Path) -> None:
    async with telegram(tmp_path, units=1, template=load_template(TEMPLATE)) as tg:
        lan = tg.server.user(801, "Lan")
        assert await tg.says(lan, f"/start {tg.codes[0]}") == ("bot.invite_accepted", "engine.welcome",
                                                              "engine.question")
        # A photo where a figure is asked: explained, nothing stored, the same question again.
        assert await tg.does(lan, lan.send_photo()) == ("engine.file_unexpected", "engine.question")
        assert await tg.says(lan, "75") == ("engine.saved", "engine.question")
        # The photo of the minutes is asked: words, then a file too big for a bot, are refused.
        assert await tg.says(lan, "đã gửi rồi") == ("parse.file.typed", "engine.question")
        huge = lan.send_document(b"\0" * (MAX_FILE_BYTES + 1), "ban-quet.pdf", "application/pdf")
        assert await tg.does(lan, huge) == ("engine.file_too_big", "engine.question")
        assert lan.last_reply is not None and "«ban-quet.pdf»" in (lan.last_reply.text or "")  # which file
        assert await tg.does(lan, lan.send_photo(PNG, caption="Biên bản họp")) == ("engine.saved", "engine.question")
        photo = lan.last
        assert await tg.does(lan, lan.send_document(PDF, "danh-sach.pdf", "application/pdf")) == (
            "engine.saved", "engine.question")
        document = lan.last
        assert photo is not None and document is not None
        assert await tg.says(lan, "Nguyễn Đình Biểu") == ("engine.text_part",)
        assert "engine.review_ready" in await tg.says(lan, "xong")
        # What is stored is Telegram's own handle: the bot can fetch the very bytes sent.
        stored = dict(deployment.answers(tg.url)["Xã Thử 0"])
        largest = photo.payload["message"]["photo"][-1]
        assert stored["bien_ban"] == {"file_id": largest["file_id"], "name": "", "mime": "image/jpeg",
                                      "size": len(PNG)}
        assert stored["danh_sach"] == {"file_id": document.payload["message"]["document"]["file_id"],
                                       "name": "danh-sach.pdf", "mime": "application/pdf", "size": len(PDF)}
        for answer, data in ((stored["bien_ban"], PNG), (stored["danh_sach"], PDF)):
            file = await tg.channel.bot.get_file(answer["file_id"])
            assert file.file_path is not None
            fetched = io.BytesIO()
            await tg.channel.bot.download_file(file.file_path, fetched)
            assert fetched.getvalue() == data
        review = await tg.says(lan, "xem lại")
        assert "engine.review" in review
        assert "danh-sach.pdf" in "\n".join(m.text or "" for m in lan.replies()[-len(review):])
    assert [f for f, _ in deployment.answers(tg.url)["Xã Thử 0"]] == ["so_tap_the", "bien_ban", "danh_sach",
                                                                        "nguoi_ky"]  # nothing refused was kept
