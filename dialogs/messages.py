"""Every Vietnamese string a user sees, keyed by id (NFC, full diacritics), and :func:`t` to fill one in.

Prompts and help come from the template; everything else the bot says is here. Tests assert ids and
parameters, and one test renders every message and checks its placeholders and the Zalo length limit.
Sections are owned by the module that uses them: keep each key's prefix (``engine.``, ``parse.``, …).
"""

from __future__ import annotations

import string
from typing import Any

MESSAGES: dict[str, str] = {
    # ---- parse.*: field parsers (dialogs/fields) ------------------------------------------------
    "parse.empty": "Anh/chị chưa gõ câu trả lời. Hãy gõ, ví dụ: {example}.",
    "parse.which": "Ý anh/chị là {options}?",
    "parse.too_long": (
        "Câu trả lời dài {length} ký tự và có quá nhiều con số, tôi không biết chọn chỗ nào. "
        "Hãy gõ riêng câu trả lời cho mục này, ví dụ: {example}."
    ),
    "parse.range.between": "từ {min} đến {max}",
    "parse.range.at_least": "từ {min} trở lên",
    "parse.range.at_most": "không quá {max}",
    "parse.range.date_between": "từ {min} đến {max}",
    "parse.range.date_from": "từ {min} trở về sau",
    "parse.range.date_until": "từ {max} trở về trước",
    "parse.number.not_a_number": "Tôi chưa đọc được số trong «{text}». Hãy gõ một số, ví dụ: {example}.",
    "parse.number.unreadable": (
        "Tôi chưa đọc được con số «{figure}»: dấu chấm, dấu phẩy chưa đúng chỗ "
        "(dấu chấm ngăn hàng nghìn, dấu phẩy trước phần thập phân). Hãy gõ lại, ví dụ: {example}."
    ),
    "parse.number.not_whole": "Tôi hiểu là {understood}, nhưng mục này cần một số nguyên. Hãy gõ lại, ví dụ: {example}.",
    "parse.number.out_of_range": (
        "Tôi hiểu là {understood}, nhưng mục này chỉ nhận số {range}. Hãy gõ lại, ví dụ: {example}."
    ),
    "parse.number.several": "Tôi thấy nhiều con số trong câu trả lời: {figures}. Anh/chị muốn ghi số nào?",
    "parse.number.too_many": (
        "Câu trả lời có quá nhiều con số ({count} số). Hãy gõ riêng con số cần ghi, ví dụ: {example}."
    ),
    "parse.number.exact": (
        "Mục này cần con số chính xác, không ghi «{qualifier} {figure}». Con số chính xác là bao nhiêu? "
        "Nếu đúng là {figure}, hãy chọn {figure}."
    ),
    "parse.number.doubt": "Anh/chị có chắc là {figure} không? Nếu đúng, hãy chọn {figure}; nếu không, hãy gõ con số chính xác.",
    "parse.money.not_money": "Tôi chưa đọc được số tiền trong «{text}». Hãy gõ số tiền, ví dụ: {example}.",
    "parse.percent.not_percent": "Tôi chưa đọc được tỷ lệ phần trăm trong «{text}». Hãy gõ, ví dụ: {example}.",
    "parse.date.not_a_date": "Tôi chưa đọc được ngày trong «{text}». Hãy gõ theo thứ tự ngày/tháng/năm, ví dụ: {example}.",
    "parse.date.bad_month": (
        "Tôi đọc được «{date}», nhưng không có tháng {month}: tháng chỉ từ 1 đến 12, và ngày viết trước tháng "
        "(ngày/tháng/năm). Hãy gõ lại, ví dụ: {example}."
    ),
    "parse.date.bad_day": (
        "Tôi đọc được «{date}», nhưng tháng {month} năm {year} chỉ có {days} ngày, không có ngày {day}. "
        "Hãy gõ lại, ví dụ: {example}."
    ),
    "parse.date.bad_year": "Tôi đọc được «{date}», nhưng năm {year} không hợp lệ. Hãy gõ năm đủ bốn chữ số, ví dụ: {example}.",
    "parse.date.no_day": "Tôi đọc được tháng {month} năm {year}, nhưng còn thiếu ngày. Hãy gõ đủ ngày/tháng/năm, ví dụ: {example}.",
    "parse.date.out_of_range": "Tôi hiểu là ngày {understood}, nhưng mục này cần ngày {range}. Hãy gõ lại, ví dụ: {example}.",
    "parse.date.several": "Tôi thấy nhiều ngày trong câu trả lời: {dates}. Anh/chị muốn ghi ngày nào?",
    "parse.docref.not_a_ref": (
        "Tôi chưa thấy số và ký hiệu văn bản trong «{text}». Hãy gõ theo mẫu số/ký hiệu và ngày ban hành, "
        "ví dụ: {example}."
    ),
    "parse.docref.several": "Tôi thấy nhiều văn bản trong câu trả lời: {refs}. Anh/chị muốn ghi văn bản nào?",
    "parse.docref.bad_date": "Văn bản {ref}: {reason}",
    "parse.yesno.unclear": "Tôi chưa hiểu «{text}» là có hay không. Hãy trả lời «có» hoặc «không», ví dụ: {example}.",
    "parse.yesno.ask": "Anh/chị trả lời «có» hay «không»?",
    "parse.yes": "Có",
    "parse.no": "Không",
    "parse.text.empty": "Anh/chị chưa gõ nội dung. Hãy gõ câu trả lời, ví dụ: {example}.",
    "parse.text.too_short": (
        "Câu trả lời mới có {length} ký tự, cần ít nhất {min} ký tự. Hãy viết thêm, ví dụ: {example}."
    ),
    "parse.text.too_long": (
        "Câu trả lời dài {length} ký tự, vượt quá {max} ký tự cho phép. Hãy rút gọn lại, ví dụ: {example}."
    ),
    "parse.choice.unknown": (
        "Tôi chưa thấy «{text}» trong các lựa chọn: {options}. Hãy gõ số thứ tự hoặc tên lựa chọn, "
        "ví dụ: {example}."
    ),
    "parse.choice.too_many": (
        "Tôi thấy {count} phần trong câu trả lời, nhiều hơn số lựa chọn ({options}). "
        "Hãy gõ số thứ tự các lựa chọn, cách nhau bằng dấu phẩy, ví dụ: {example}."
    ),
    "parse.choice.bad_number": (
        "Không có lựa chọn số {number}: chỉ có từ 1 đến {count} ({options}). Hãy gõ lại, ví dụ: {example}."
    ),
    "parse.file.typed": (
        "Mục này cần một tệp hoặc ảnh ({example}), không phải chữ; tôi nhận được «{text}». "
        "Hãy gửi tệp hoặc ảnh bằng nút đính kèm 📎."
    ),
    # ---- engine.*: the conversation engine (dialogs/engine.py) -------------------------------------
    "engine.welcome": (
        "Xin chào! Tôi sẽ hướng dẫn anh/chị lập «{title}» qua {count} câu hỏi, lần lượt từng mục.\n"
        "Có thể dừng bất cứ lúc nào và quay lại sau: mọi câu trả lời đều được lưu.\n"
        "Gõ «xem lại» để xem tóm tắt, «sửa <mục>» để sửa, «trợ giúp» để xem các lệnh."
    ),
    "engine.welcome_back": "Chào mừng anh/chị quay lại. Các câu trả lời trước đã được lưu; ta tiếp tục từ chỗ đang dở.",
    "engine.template_changed": (
        "Mẫu báo cáo vừa được cập nhật (phiên bản {version}). Các câu trả lời của anh/chị vẫn được giữ nguyên."
    ),
    "engine.already_submitted": (
        "Báo cáo đã được nộp (số tiếp nhận {ref}). Gõ «xem lại» để xem, hoặc «sửa <mục>» để mở bản sửa đổi."
    ),
    "engine.ask.head": "Mục {section} — câu {number}/{total}",
    "engine.ask.help": "Gợi ý: {help}",
    "engine.ask.example": "Ví dụ: {example}",
    "engine.ask.multichoice": "Có thể chọn nhiều, cách nhau bằng dấu phẩy (ví dụ: 1, 3).",
    "engine.ask.long_text": "Có thể gửi thành nhiều tin nhắn; gõ «xong» khi đã hết.",
    "engine.ask.none_allowed": "Nếu không có gì để báo cáo, gõ «không có».",
    "engine.ask.current": "Câu trả lời hiện tại: {answer}. Gõ câu mới để thay, hoặc «giữ nguyên».",
    "engine.text_part": "Đã nhận phần {part} ({chars} ký tự). Gửi tiếp nếu còn, hoặc gõ «xong» để sang mục sau.",
    "engine.text_saved": "Đã ghi nội dung ({chars} ký tự).",
    "engine.saved": "Đã ghi: {display}.",
    "engine.saved_none": "Đã ghi: không có.",
    "engine.skipped": "Đã bỏ qua mục này.",
    "engine.kept": "Giữ nguyên câu trả lời cũ.",
    "engine.deferred": "Được, mục này để trả lời sau. Trước khi nộp tôi sẽ nhắc lại.",
    "engine.not_understood": "Tôi chưa hiểu câu trả lời này.",
    "engine.pattern_failed": "Câu trả lời chưa đúng dạng yêu cầu. Ví dụ: {example}.",
    "engine.check_failed": "Số liệu chưa khớp với các mục khác (điều kiện: {check}). Anh/chị kiểm tra lại giúp.",
    "engine.too_many_failures": (
        "{error}\nCó vẻ câu này khó trả lời. Ví dụ một câu trả lời hợp lệ: {example}.\n"
        "Anh/chị có thể gõ lại, gõ «trợ giúp» để xem hướng dẫn, «để sau» để trả lời sau "
        "(hoặc «bỏ qua» nếu mục không bắt buộc), hay «liên hệ sở» để nhờ cán bộ Sở hỗ trợ."
    ),
    "engine.none_numeric": (
        "Mục này cần một con số. Nếu thực sự không có, hãy gõ 0. Ví dụ: {example}."
    ),
    "engine.none_refused": "Mục này cần được trả lời, không chọn «không có» được. Ví dụ: {example}.",
    "engine.skip_required": "Mục này bắt buộc nên không bỏ qua được. Nếu cần thời gian, gõ «{later}» để trả lời sau.",
    "engine.at_first": "Đây đã là câu đầu tiên.",
    "engine.unknown_button": "Nút này không còn dùng được nữa.",
    "engine.unknown_command": "Tôi không biết lệnh «{text}». Gõ «trợ giúp» để xem các lệnh.",
    "engine.file_unexpected": "Mục này không cần tệp hay ảnh; anh/chị trả lời bằng chữ giúp tôi.",
    "engine.file_default_name": "tệp đính kèm",
    "engine.reminder": (
        "Nhắc việc: hạn nộp báo cáo là {deadline} (còn {days} ngày). Còn {missing} mục bắt buộc chưa trả lời."
    ),
    "engine.paused": (
        "Đã tạm dừng, mọi câu trả lời đã được lưu. Khi nào tiện, gõ «tiếp tục» (hoặc /baocao) để làm tiếp."
    ),
    "engine.contact_sent": "Đã báo cho cán bộ Sở; họ sẽ liên hệ với anh/chị. Trong lúc chờ, có thể làm các mục khác.",
    "engine.department_only": "Lệnh này dành cho cán bộ Sở.",
    "engine.help.field": "Mục {section}: {prompt}\nHướng dẫn: {help}\nVí dụ: {example}",
    "engine.help.commands": (
        "Các lệnh (gõ có dấu hay không dấu đều được):\n"
        "- «xem lại»: xem tóm tắt các câu đã trả lời và còn thiếu\n"
        "- «sửa <mục>»: sửa một mục, ví dụ «sửa IV.2» hoặc «sửa 12» (số thứ tự trong tóm tắt)\n"
        "- «quay lại»: về câu trước\n"
        "- «bỏ qua»: bỏ qua mục không bắt buộc; «để sau»: trả lời sau\n"
        "- «không có»: không có gì để báo cáo ở mục này\n"
        "- «xong»: kết thúc một đoạn văn gửi thành nhiều tin nhắn\n"
        "- «tạm dừng»: dừng lại, lúc khác làm tiếp\n"
        "- «nộp»: nộp báo cáo\n"
        "- «liên hệ sở»: nhờ cán bộ Sở hỗ trợ"
    ),
    "engine.edit_how": "Anh/chị muốn sửa mục nào? Gõ «sửa» kèm số mục, ví dụ «sửa IV.2» hoặc «sửa 12».\n{sections}",
    "engine.edit_which": "Có mấy mục khớp, anh/chị muốn sửa mục nào? Gõ số thứ tự:\n{items}",
    "engine.edit_not_found": "Không tìm thấy mục «{target}». Ví dụ: «sửa IV.2» hoặc «sửa 12». Gõ «xem lại» để xem số mục.",
    "engine.new_version": "Đã mở bản sửa đổi lần {version}; bản đã nộp trước đó vẫn được lưu.",
    "engine.review_missing": (
        "Còn {count} mục bắt buộc chưa trả lời. Bấm vào mục dưới đây hoặc gõ «sửa <số mục>» để trả lời."
    ),
    "engine.review_ready": "Đã trả lời đủ các mục. Gõ «nộp» để nộp báo cáo, hoặc «sửa <số mục>» để sửa.",
    "engine.submit_missing": "Chưa nộp được: còn {count} mục bắt buộc chưa trả lời:\n{items}\nTa trả lời mục đầu tiên nhé.",
    "engine.confirm_submit": "Anh/chị xác nhận nộp «{title}»? Gõ «đồng ý» để nộp, hoặc «không» để xem lại.",
    "engine.confirm_unclear": "Gõ «đồng ý» để nộp, hoặc «không» để quay lại xem và sửa.",
    "engine.submit_cancelled": "Chưa nộp. Anh/chị có thể «xem lại» hoặc «sửa <mục>», rồi gõ «nộp» khi sẵn sàng.",
    "engine.receipt": (
        "ĐÃ NỘP BÁO CÁO. Số tiếp nhận: {ref} (lần {version}).\n"
        "«{title}», nộp lúc {when}.\n"
        "Đã ghi nhận {answered} mục. Các số liệu chính:\n{figures}\n"
        "Cần sửa, gõ «sửa <mục>»: một bản sửa đổi sẽ được mở, bản này vẫn được lưu."
    ),
    "engine.receipt.figure": "- {prompt}: {answer}",
    "engine.receipt.no_figures": "- (không có số liệu)",
    "engine.summary.title": "TÓM TẮT — {title} (bản {version})",
    "engine.summary.section": "[{section}]",
    "engine.summary.item": "{number}. {prompt}: {answer}",
    "engine.summary.missing": "— chưa trả lời",
    "engine.summary.none": "không có",
    "engine.summary.skipped": "(bỏ qua)",
    "engine.summary.counts": "Đã trả lời {answered}/{total} mục; còn thiếu {missing} mục bắt buộc.",
    "engine.summary.how_to_edit": "Sửa mục nào, gõ «sửa <số>», ví dụ «sửa 3».",
    "engine.group.column": "Mục thứ {index} — {prompt}\nVí dụ: {example}",
    "engine.group.more": "Đã ghi {count} {noun}. Còn {noun} nào nữa không? (có / không)",
    "engine.group.record": "mục",
    "engine.group.display": "{count} {noun}: {names}",
    "engine.group.need_one": "Cần ít nhất một mục; nếu không có, gõ «không có».",
    "engine.group.too_few": "Cần ít nhất {min} mục; ta nhập tiếp nhé.",
    "engine.group.partial_dropped": "Mục đang nhập dở chưa đủ thông tin nên không được ghi.",
    "engine.button.yes": "Có",
    "engine.button.no": "Không",
    "engine.button.none": "Không có",
    "engine.button.skip": "Bỏ qua",
    "engine.button.later": "Để sau",
    "engine.button.keep": "Giữ nguyên",
    "engine.button.done": "Xong",
    "engine.button.help": "Trợ giúp",
    "engine.button.contact": "Liên hệ Sở",
    "engine.button.review": "Xem lại",
    "engine.button.submit": "Nộp báo cáo",
    "engine.button.confirm_submit": "Đồng ý nộp",
    "engine.button.cancel": "Chưa nộp",
    # ---- bot.*: runner, channels and CLI (bot/) ------------------------------------------------------
    "bot.error.internal": (
        "Xin lỗi, hệ thống gặp lỗi khi xử lý tin nhắn này; các câu trả lời trước vẫn được lưu. "
        "Anh/chị gửi lại giúp, hoặc gõ «xem lại» để xem đã lưu những gì."
    ),
    "bot.error.known": "Chưa xử lý được tin nhắn này: {reason}. Các câu trả lời trước vẫn được lưu.",
    "bot.need_invite": (
        "Chào anh/chị! Để bắt đầu, hãy mở đường liên kết mời mà Sở gửi, hoặc gõ /start kèm mã mời "
        "(ví dụ: /start AB12CD34)."
    ),
    "bot.invite_accepted": "Mã mời hợp lệ. Anh/chị đã được ghi nhận là người báo cáo của đơn vị.",
    "bot.contact_request": "Đơn vị {unit} cần hỗ trợ ở mục {field}.",
    "bot.console.saved_docx": "Đã xuất báo cáo ra tệp: {path}",
    "bot.console.draft_docx": "Báo cáo chưa nộp; bản nháp đã được lưu ra tệp: {path}",
    "bot.dept.welcome": (
        "Chào anh/chị cán bộ Sở. Gõ /tiendo để xem đơn vị nào đã nộp, nộp muộn hay chưa nộp; "
        "/tonghop để nhận báo cáo tổng hợp."
    ),
    "bot.dept.progress": (
        "Đợt {id}: «{title}» — hạn nộp {deadline}\n"
        "Đã nộp {reported}/{expected} đơn vị ({rate}%): đúng hạn {on_time}, muộn {late}; chưa nộp {missing}.\n"
        "Chưa nộp: {listed}"
    ),
    "bot.dept.more": " … và {count} đơn vị khác",
    "bot.dept.no_campaign": "Chưa có đợt báo cáo nào đang mở.",
    "bot.dept.compile_cli": (
        "Báo cáo tổng hợp (.docx và .xlsx) của đợt {id}: trên máy chủ, chạy "
        "«reportbot export --campaign {id} --compiled --format docx -o tong-hop.docx» "
        "(gửi tệp qua Telegram/Zalo có ở phiên bản sau)."
    ),
    "bot.cli.campaign_created": "Đã mở đợt báo cáo số {id}: «{title}», hạn nộp {deadline}, mời {units} đơn vị.",
    "bot.cli.unit_added": "Đã thêm đơn vị #{id}: {name}.",
    "bot.cli.units_imported": "Đã thêm {added} đơn vị; {skipped} đơn vị đã có từ trước.",
    "bot.cli.invite": "Mã mời {code} — {link} (hết hạn lúc {expires}).",
    "bot.cli.answers_imported": "Đã nhập {count} câu trả lời.",
    "bot.cli.word_example": "Đã ghi mẫu Word (thẻ docxtpl, trình bày theo NĐ 30): {path}. Sửa theo ý Sở rồi dùng: reportbot campaign create … --word-template {path}",
    "bot.cli.exported": "Đã xuất: {path}",
    "bot.cli.exported_draft": "Đã xuất bản nháp (đơn vị chưa nộp): {path}",
    "bot.import.missing_required": "mục bắt buộc chưa có câu trả lời (cần có để nộp)",
    "bot.import.group_item": "mục thứ {index}: {problem}",
    "bot.import.group_shape": "mỗi mục cần có các cột: {columns}",
    "bot.import.group_missing": "thiếu cột bắt buộc «{column}»",
    "bot.import.needs_question": "câu trả lời chưa rõ, cần hỏi lại: {question}",
    "bot.import.unknown_field": "mẫu báo cáo không có mục «{field}»",
    "bot.import.unknown_field_suggest": "mẫu báo cáo không có mục «{field}»; có phải «{suggestion}»?",
    "bot.console.goodbye": "Hẹn gặp lại! Các câu trả lời đã được lưu; chạy lại lệnh này để làm tiếp.",
    "bot.console.export_failed": "Chưa xuất được tệp báo cáo: {reason}",
    # ---- export.*: exporters (exporters/) ------------------------------------------------------------
    "export.no_libreoffice": (
        "Không xuất được PDF vì máy chủ chưa cài LibreOffice (soffice). Hãy cài gói libreoffice-writer, "
        "hoặc xuất báo cáo dạng .docx."
    ),
    "export.pdf_failed": "Không chuyển được báo cáo sang PDF: {reason}. Hãy thử lại, hoặc xuất dạng .docx.",
}


def t(key: str, /, **params: Any) -> str:
    """Render message ``key`` with ``params``; a missing key or parameter is a programming error."""
    return MESSAGES[key].format(**params)


def placeholders(key: str) -> set[str]:
    """The parameter names message ``key`` expects."""
    return {name for _, name, _, _ in string.Formatter().parse(MESSAGES[key]) if name}
