"""Every Vietnamese string a user sees, keyed by id (NFC, full diacritics), and :func:`t` to fill one in.

Prompts and help come from the template; everything else the bot says is here. Tests assert ids and
parameters, and one test renders every message and checks its placeholders and the Zalo length limit.
Sections are owned by the module that uses them: keep each key's prefix (``engine.``, ``parse.``, …).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
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
    "parse.choice.all_of": (
        "Có {count} lựa chọn ({options}), nên «{text}» chưa rõ là những lựa chọn nào. "
        "Hãy gõ số thứ tự các lựa chọn, ví dụ: {example}."
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
    # ---- ui.*: building blocks for composed messages ---------------------------------------------
    "ui.lines": "{lines}",
    "ui.text": "{text}",
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
    "engine.question": (
        "{head}\n{prompt}\n{help}\n{example}\n{options}\n{multichoice}\n{long_text}\n{none_allowed}\n{current}\n{flag}"
        "\n{typed}"
    ),
    "engine.ask.typed": "Đã nhận {parts} phần ({chars} ký tự) của câu trả lời này. Gửi tiếp, hoặc gõ «xong» nếu đã hết.",
    "engine.ask.flagged": (
        "Câu trả lời đang có: {answer} — cần kiểm tra lại: {reason}. Hãy gõ câu trả lời mới."
    ),
    "engine.flag.type_changed": "mẫu báo cáo đã đổi kiểu câu trả lời của mục này",
    "engine.flag.option_removed": "lựa chọn này không còn trong mẫu báo cáo",
    "engine.flag.out_of_range": "mẫu báo cáo đã thay đổi giới hạn của mục này",
    "engine.flag.none_refused": "mục này nay cần được trả lời, không ghi «không có» được",
    "engine.choose_again": "Anh/chị chọn một trong các cách hiểu sau (gõ số thứ tự), hoặc gõ lại câu trả lời:\n{choices}",
    "engine.stale_button": "Nút này thuộc một câu hỏi trước. Câu đang hỏi là:",
    "engine.review_back": "Đã sửa xong. Còn {missing} mục bắt buộc chưa trả lời. Gõ «xem lại» để xem toàn bộ, hoặc «nộp» để nộp.",
    "engine.redo_done": "Đã xoá phần đang gõ của mục này. Anh/chị gõ lại từ đầu nhé.",
    "engine.redo_nothing": "Mục này chưa có phần nào đang gõ dở để xoá.",
    "engine.append_ready": "Câu trả lời đã lưu của mục này:\n{text}\nGửi tiếp phần muốn thêm vào, xong thì gõ «xong».",
    "engine.append_nothing": "Mục này chưa có câu trả lời để viết tiếp; anh/chị gõ câu trả lời nhé.",
    "engine.text_refused_hint": "Phần đã gõ vẫn được giữ: gửi tiếp để bổ sung, hoặc gõ «làm lại» để xoá và gõ lại từ đầu.",
    "engine.maybe_command": "Ý anh/chị là «{command}»? Trả lời «có» để {command}, hoặc «không» để ghi «{text}» vào đoạn văn.",
    "engine.check_warn": "{problem}\nVẫn ghi «{display}»? Trả lời «có» để ghi, hoặc gõ lại câu trả lời khác.",
    "engine.review_hint": "Đã trả lời hết các câu. Gõ «nộp» để nộp, hoặc «sửa <số mục>» để sửa một mục.",
    "engine.ask.head": "Mục {section} — câu {number}/{total}",
    "engine.ask.help": "Gợi ý: {help}",
    "engine.ask.example": "Ví dụ: {example}",
    "engine.ask.multichoice": "Có thể chọn nhiều, cách nhau bằng dấu phẩy (ví dụ: 1, 3).",
    "engine.ask.long_text": "Có thể gửi thành nhiều tin nhắn; gõ «xong» khi đã hết.",
    "engine.ask.none_allowed": "Nếu không có gì để báo cáo, gõ «không có».",
    "engine.ask.current": "Câu trả lời hiện tại: {answer}. Gõ câu mới để thay, hoặc «giữ nguyên».",
    "engine.text_part": "Đã nhận phần {part} ({chars} ký tự). Gửi tiếp nếu còn, hoặc gõ «xong» để sang mục sau.",
    "engine.text_saved": "Đã ghi nội dung ({chars} ký tự).",
    "engine.diacritics.copy": "{text}",
    "engine.diacritics.ask": (
        "Anh/chị gõ chưa có dấu. Bot đã thêm dấu (bản ở trên, chép để sửa được).\n"
        "{proposal}\n"
        "{unsure}\n"
        "Dùng bản có dấu này? Trả lời «có» để dùng, «không» để giữ nguyên như đã gõ, hoặc gửi lại bản đã sửa."
    ),
    "engine.diacritics.marked": "Chỗ bot chưa chắc: {text}",
    "engine.diacritics.unsure": "Chữ trong [ ] là chữ bot chưa chắc, có thể là: {words}{more}",
    "engine.diacritics.more": " và {count} chữ nữa",
    "engine.diacritics.kept_proposal": "Đã dùng bản có dấu: {text}",
    "engine.diacritics.kept_typed": "Đã giữ nguyên như anh/chị đã gõ: {text}",
    "engine.diacritics.kept_corrected": "Đã ghi bản anh/chị sửa: {text}",
    "engine.diacritics.unclear": (
        "Tôi chưa rõ anh/chị chọn bản nào. Trả lời «có» để dùng bản có dấu, «không» để giữ nguyên như đã gõ, "
        "hoặc gửi lại bản đã sửa. Ví dụ: gõ «có»."
    ),
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
    "engine.photo_default_name": "ảnh chụp",
    "engine.file_too_big": (
        "Tệp «{name}» nặng {size} MB, quá {limit} MB nên bot không nhận được. Hãy gửi bản nhỏ hơn, ví dụ "
        "ảnh chụp từng trang thay cho bản quét, hoặc tệp .pdf đã nén."
    ),
    "engine.reminder": "Nhắc việc: còn {days} ngày nữa là hạn nộp báo cáo ({deadline}). {missing}\n{how}",
    "engine.reminder_today": "Nhắc việc: hôm nay ({deadline}) là hạn nộp báo cáo. {missing}\n{how}",
    "engine.reminder_late": "Nhắc việc: báo cáo đã quá hạn {days} ngày (hạn nộp {deadline}). {missing}\n{how}",
    "engine.reminder_passed": "Nhắc việc: báo cáo đã quá hạn nộp ({deadline}). {missing}\n{how}",
    "engine.reminder_missing": "Còn thiếu mục {sections} ({count} câu bắt buộc chưa trả lời).",
    "engine.reminder_ready": "Các câu bắt buộc đã trả lời đủ, chỉ còn nộp.",
    "engine.reminder_answer": "Anh/chị trả lời tiếp câu đang hỏi dưới đây:",
    "engine.reminder_continue": "Bấm «Làm tiếp» hoặc gõ «tiếp tục» để làm tiếp từ chỗ đã dừng.",
    "engine.reminder_submit": "Bấm «Nộp báo cáo» hoặc gõ «nộp» để nộp.",
    "engine.paused": (
        "Đã tạm dừng, mọi câu trả lời đã được lưu. Khi nào tiện, gõ «tiếp tục» (hoặc /baocao) để làm tiếp."
    ),
    "bot.contact.sent": "Đã báo cho cán bộ Sở; họ sẽ liên hệ với anh/chị. Trong lúc chờ, có thể làm các mục khác.",
    "bot.contact.department_default": "Sở",
    "bot.contact.nobody": (
        "Hiện chưa có cán bộ Sở nào nhận tin qua bot nên chưa báo được. Anh/chị liên hệ trực tiếp: "
        "{contact}. Trong lúc chờ, có thể làm các mục khác."
    ),
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
    "engine.submit_missing": "Chưa nộp được: còn {count} mục bắt buộc chưa trả lời:\n{items}\n{more}\nTa trả lời mục đầu tiên nhé.",
    "engine.submit_more": "- … và {count} mục khác (gõ «xem lại» để xem hết)",
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
    "engine.summary.section": "[{section}]",
    "engine.summary.item": "{number}. {prompt}: {answer}",
    "engine.review": (
        "TÓM TẮT — {title} (bản {version})\n{items}\n"
        "Đã trả lời {answered}/{total} mục; còn thiếu {missing} mục bắt buộc.\n"
        "Sửa mục nào, gõ «sửa <số>», ví dụ «sửa 3»."
    ),
    "engine.summary.item_flagged": "{number}. {prompt}: {answer} — cần kiểm tra lại ({reason})",
    "engine.summary.missing": "— chưa trả lời",
    "engine.summary.none": "không có",
    "engine.summary.skipped": "(bỏ qua)",
    "engine.group.column": "{intro}\nMục thứ {index} — {prompt}\nVí dụ: {example}\n{current}",
    "engine.group.column_current": "Hiện đang ghi: {value}. Gõ giá trị mới, hoặc «giữ nguyên».",
    "engine.group.how_to_change": "Gõ «sửa 2» để sửa mục thứ 2, «xoá 2» để xoá nó.",
    "engine.group.record_changed": "Đã sửa mục này; các mục khác giữ nguyên.",
    "engine.group.record_deleted": "Đã xoá mục thứ {number}.",
    "engine.group.no_such_record": "Không có mục thứ {number}: danh sách có {count} mục.",
    "engine.group.full": "Đã đủ {max} mục, là số tối đa của phần này.",
    "engine.delete_where": "Lệnh «xoá» dùng trong một danh sách, ví dụ «xoá 2» để xoá mục thứ 2.",
    "engine.group.columns_changed": (
        "Mẫu báo cáo vừa thêm thông tin cần có cho mỗi mục của phần này: {count} mục đã nhập cần bổ sung, "
        "ta bổ sung lần lượt nhé (những gì đã nhập vẫn được giữ)."
    ),
    "engine.group.none_too_late": "Đã có mục được nhập nên không chọn «không có» được nữa. Gõ «xong» nếu đã đủ.",
    "engine.group.more": "{records}\nĐã ghi {count} {noun}. Còn {noun} nào nữa không? (có / không)\n{change}",
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
    "engine.button.continue": "Làm tiếp",
    "engine.button.confirm_submit": "Đồng ý nộp",
    "engine.button.cancel": "Chưa nộp",
    # ---- bot.*: runner, channels and CLI (bot/) ------------------------------------------------------
    "bot.error.internal": (
        "Xin lỗi, hệ thống gặp lỗi khi xử lý tin nhắn này; các câu trả lời trước vẫn được lưu. "
        "Anh/chị gửi lại giúp, hoặc gõ «xem lại» để xem đã lưu những gì."
    ),
    "bot.error.storage_full": (
        "Máy chủ hết chỗ lưu, câu trả lời vừa gửi chưa được lưu. Các câu trả lời trước vẫn còn nguyên; "
        "xin anh/chị gửi lại sau ít phút."
    ),
    "bot.error.storage_down": (
        "Máy chủ tạm thời không lưu được dữ liệu, câu trả lời vừa gửi chưa được lưu. Các câu trả lời trước "
        "vẫn còn nguyên; xin anh/chị gửi lại sau ít phút."
    ),
    "bot.need_invite": (
        "Chào anh/chị! Để bắt đầu, hãy mở đường liên kết mời mà Sở gửi, hoặc gõ /start kèm mã mời "
        "(ví dụ: /start AB12CD34)."
    ),
    "bot.invite_accepted": "Mã mời hợp lệ. Anh/chị đã được ghi nhận là người báo cáo của {unit}.",
    "bot.invite.locked": (
        "Anh/chị đã nhập sai mã mời nhiều lần. Hãy đợi {minutes} phút rồi thử lại, hoặc mở đường link trong tin nhắn "
        "của Sở (đường link đã có sẵn mã)."
    ),
    "bot.invite.unknown": (
        "Mã mời {code} không đúng. Anh/chị kiểm tra lại mã trong tin nhắn của Sở (ví dụ: /start AB12CD34), "
        "hoặc nhờ cán bộ Sở gửi mã mới."
    ),
    "bot.invite.used": "Mã mời {code} đã được người khác dùng. Mỗi mã chỉ dùng một lần; anh/chị nhờ cán bộ Sở gửi mã mới.",
    "bot.invite.expired": "Mã mời {code} đã hết hạn từ ngày {date}. Anh/chị nhờ cán bộ Sở gửi mã mới.",
    "bot.invite.revoked": "Mã mời {code} đã bị Sở thu hồi. Anh/chị nhờ cán bộ Sở gửi mã mới.",
    "bot.link.code": (
        "Để tiếp tục báo cáo này trên kênh khác (Zalo, Telegram…), mở bot trên kênh đó và gõ: /start {code}\n"
        "Mã dùng được một lần, trong {hours} giờ."
    ),
    "bot.link.done": "Đã liên kết: anh/chị tiếp tục báo cáo của {unit} trên kênh này, các câu trả lời vẫn giữ nguyên.",
    "bot.report.none_open": "Hiện {unit} không có đợt báo cáo nào đang mở. Khi Sở mở đợt mới, anh/chị sẽ nhận được tin nhắn.",
    "bot.report.which": "Đơn vị đang có {count} báo cáo. Anh/chị muốn làm báo cáo nào? Gõ số thứ tự:\n{items}",
    "bot.report.item": "{number}. «{title}», hạn nộp {deadline} — {status}",
    "bot.report.status.new": "chưa bắt đầu",
    "bot.report.status.draft": "đang làm",
    "bot.report.status.submitted": "đã nộp",
    "bot.report.status.returned": "Sở trả lại để sửa",
    "bot.report.switched": "Báo cáo «{old}» đã nộp xong. Chuyển sang báo cáo «{title}», hạn nộp {deadline}.",
    "bot.report.chosen": "Anh/chị đang làm báo cáo «{title}», hạn nộp {deadline}. Gõ /baocao để chọn báo cáo khác.",
    "bot.contact_request": "Đơn vị {unit} cần hỗ trợ ở mục {field}.",
    "bot.console.saved_docx": "Đã xuất báo cáo ra tệp: {path}",
    "bot.console.draft_docx": "Báo cáo chưa nộp; bản nháp đã được lưu ra tệp: {path}",
    "bot.dept.welcome": (
        "Chào anh/chị cán bộ Sở. Gõ /tiendo để xem đơn vị nào đã nộp, nộp muộn hay chưa nộp; "
        "/tonghop để nhận báo cáo tổng hợp."
    ),
    "bot.dept.page": (
        "Đợt {id}: «{title}» — hạn nộp {deadline}\n"
        "Đã nộp {reported}/{expected} đơn vị: tỉ lệ nộp {rate}%, đúng hạn {on_time_rate}% ({on_time} đúng hạn, "
        "{late} muộn). Bị trả lại {returned}, đang làm {in_progress}, chưa bắt đầu {not_started}.\n"
        "Trang {page}/{pages}:\n{lines}\n{hint}"
    ),
    "bot.dept.page_line": "{n}. {unit} — {state}",
    "bot.dept.page_hint": "Chọn một đơn vị (bấm tên hoặc gõ số thứ tự) để xem tình trạng, đọc hoặc trả lại báo cáo.",
    "bot.dept.page_hint_more": (
        "Chọn một đơn vị (bấm tên hoặc gõ số thứ tự) để xem tình trạng, đọc hoặc trả lại báo cáo; "
        "gõ «/tiendo {next}» để sang trang {next}."
    ),
    "bot.dept.btn.prev": "◀ Trang trước",
    "bot.dept.btn.next": "Trang sau ▶",
    "bot.dept.btn.compile": "Báo cáo tổng hợp",
    "bot.dept.btn.view": "Đọc báo cáo",
    "bot.dept.btn.return": "Trả lại để sửa",
    "bot.dept.btn.back": "◀ Danh sách",
    "bot.dept.card": "{unit}\nTình trạng: {state}.{details}",
    "bot.dept.card_submitted": "\nNộp lúc {when}, bản {version}, số tiếp nhận {ref}.",
    "bot.dept.card_returned": "\nĐã trả lại bản {version} với lý do: «{comment}».",
    "bot.dept.unit_not_expected": "Đơn vị này không thuộc đợt {id}.",
    "bot.dept.return_which": (
        "Trả lại báo cáo của đơn vị nào? Gõ tên đơn vị (có thể kèm lý do), ví dụ: «Xã An Lão, Hải Phòng» "
        "— hoặc bấm tên đơn vị trong /tiendo. Gõ «hủy» để thôi."
    ),
    "bot.dept.view_which": (
        "Đọc báo cáo của đơn vị nào? Gõ tên đơn vị, ví dụ: «Xã An Lão, Hải Phòng» — hoặc bấm tên đơn vị trong "
        "/tiendo. Gõ «hủy» để thôi."
    ),
    "bot.dept.return_ask": (
        "Trả lại báo cáo của {unit}: gõ lý do (đơn vị sẽ nhận được lý do này), ví dụ: «Mục III.2 còn thiếu "
        "số liệu». Gõ «hủy» để thôi."
    ),
    "bot.dept.unit_again": "Chưa tìm được đơn vị: {problem}. Gõ lại tên đơn vị, hoặc «hủy» để thôi.",
    "bot.dept.nothing_to_return": "{unit} chưa nộp báo cáo (hoặc báo cáo đã được trả lại), nên chưa có gì để trả lại.",
    "bot.dept.cancelled": "Đã thôi, không trả lại báo cáo nào. Gõ /tiendo để xem tiến độ.",
    "bot.dept.more": " … và {count} đơn vị khác",
    "bot.remind.escalation": (
        "Quá hạn {days} ngày: «{title}» (hạn nộp {deadline}). Đã nộp {reported}/{expected} đơn vị ({rate}%), "
        "đúng hạn {on_time} ({on_time_rate}%).\n"
        "Còn {overdue} đơn vị chưa nộp: {not_started} chưa bắt đầu, {in_progress} đang làm, "
        "{returned} trả lại chưa nộp lại.\n{listed}{more}"
    ),
    "bot.remind.digest": (
        "Tiến độ ngày {day} — «{title}» (hạn nộp {deadline}): đã nộp {reported}/{expected} đơn vị ({rate}%), "
        "đúng hạn {on_time} ({on_time_rate}%); đang làm {in_progress}, chưa bắt đầu {not_started}, "
        "trả lại chưa nộp lại {returned}."
    ),
    "bot.remind.bad_policy": (
        "Không hiểu mốc nhắc «{text}». Viết các mốc cách nhau bằng dấu phẩy: «7d» là 7 ngày trước hạn, «0d» là "
        "đúng ngày hạn, «+1d..+3d» là 1 đến 3 ngày sau hạn, thêm «@08:00» để chọn giờ; «off» để tắt. "
        "Ví dụ: {example}"
    ),
    "bot.remind.too_many": "Quá nhiều mốc nhắc (ở «{text}»): tối đa {max} mốc. Hãy thu hẹp khoảng, ví dụ «+1d..+3d».",
    "bot.remind.bad_quiet": (
        "Không hiểu giờ yên lặng «{text}». Viết «giờ bắt đầu-giờ kết thúc», ví dụ {example}; «off» để tắt."
    ),
    "bot.remind.bad_digest": "Không hiểu giờ gửi bản tin hằng ngày «{text}». Viết giờ, ví dụ «17:00»; «off» để tắt.",
    "bot.remind.dry_run_none": "Lúc {at} không có lời nhắc nào đến hạn.",
    "bot.remind.dry_run_head": "Lúc {at} sẽ gửi {count} tin nhắc:",
    "bot.remind.dry_run_line": "• đợt {campaign} — {who} ({unit}) qua {channel}:",
    "bot.remind.queued": "Đã xếp {count} tin nhắc vào hàng gửi; «reportbot run» sẽ gửi chúng (theo giới hạn kênh).",
    "bot.remind.planned": "Đã lên lịch {count} lời nhắc mới.",
    "bot.remind.at_needs_dry_run": "«--at» chỉ dùng cùng «--dry-run» (xem trước). Ví dụ: reportbot remind --dry-run --at 2025-08-20T08:00",
    "bot.remind.department": "cán bộ Sở",
    "bot.campaign.reminders": "Nhắc hạn: {policy}; giờ yên lặng {quiet}; bản tin hằng ngày: {digest}.",
    "bot.campaign.digest_off": "tắt",
    "bot.document.unit": "Báo cáo đã nộp (bản {version}, số tiếp nhận {ref}), trình bày theo Nghị định 30/2020/NĐ-CP.",
    "bot.document.compiled": "Báo cáo tổng hợp đợt {id} ({format}).",
    "bot.document.failed": "(Chưa gửi được tệp lúc này; cán bộ Sở có thể xuất bằng lệnh «reportbot export».)",
    "bot.document.pdf": "Bản PDF của tệp trên, để xem nhanh và in.",
    "bot.document.pdf_failed": "(Chưa tạo được bản PDF lúc này; tệp .docx ở trên là bản đầy đủ, mở và in được.)",
    "bot.dept.unit_problem": "Chưa làm được: {problem}.",
    "bot.dept.unit_no_campaign": "{unit} không có đợt báo cáo nào đang mở.",
    "bot.dept.returned": "Đã trả lại bản {version} của {unit} (đợt {id}) với lý do: «{comment}». Đã báo cho {told} "
                         "tài khoản của đơn vị.",
    "bot.dept.view_none": "{unit} chưa nộp báo cáo.",
    "bot.dept.view": "Báo cáo của {unit}, bản {version} (số tiếp nhận {ref}):\n{lines}",
    "bot.dept.view_line": "– {field}: {display}",
    "bot.unsupported": "Bot chưa đọc được {what}. Anh/chị hãy gõ câu trả lời bằng chữ (ví dụ: «75» hoặc «không có»); "
                       "câu hỏi vẫn là câu ở trên.",
    "bot.unsupported.sticker": "nhãn dán",
    "bot.unsupported.voice": "tin nhắn thoại",
    "bot.unsupported.location": "vị trí",
    "bot.unsupported.edited": "tin nhắn đã sửa (câu trả lời cũ vẫn được giữ; muốn đổi thì gõ «sửa»)",
    "bot.unsupported.other": "loại tin nhắn này",
    "bot.button_stale": "Nút này thuộc một câu hỏi cũ nên không được dùng. Anh/chị hãy trả lời câu hỏi mới nhất ở "
                        "dưới (bấm nút của câu đó hoặc gõ câu trả lời).",
    "bot.telegram.cmd_baocao": "Làm báo cáo (hoặc chọn báo cáo khác)",
    "bot.telegram.cmd_xemlai": "Xem lại các câu đã trả lời",
    "bot.telegram.cmd_sua": "Sửa một câu trả lời",
    "bot.telegram.cmd_nop": "Nộp báo cáo",
    "bot.telegram.cmd_tiendo": "Tiến độ các đơn vị (cán bộ Sở)",
    "bot.telegram.cmd_tonghop": "Báo cáo tổng hợp (cán bộ Sở)",
    "bot.telegram.cmd_trogiup": "Hướng dẫn",
    "bot.dept.undelivered": "Không gửi được tin tới {count} người (hãy liên hệ trực tiếp):\n{people}",
    "bot.dept.undelivered_one": "– {name} ({unit}, {channel}): {reason}",
    "bot.dept.undelivered_blocked": "đã chặn bot hoặc rời cuộc trò chuyện",
    "bot.dept.undelivered_no_chat": "không tìm thấy cuộc trò chuyện",
    "bot.dept.undelivered_other": "kênh gửi lỗi nhiều lần",
    "bot.dept.undelivered_window": (
        "quá 7 ngày chưa nhắn cho Zalo OA nên Zalo không cho gửi; hãy nhờ người này nhắn một tin bất kỳ "
        "(ví dụ: «chào») cho OA, hoặc gọi điện"
    ),
    "bot.zalo.choose": "Gõ số thứ tự để chọn (ví dụ: 1), hoặc gõ đúng chữ của lựa chọn:",
    "bot.zalo.choice": "{number}. {label}",
    "bot.zalo.document_link": "Tải tệp «{name}» tại liên kết sau (dùng được đến {expires}):\n{url}",
    "bot.zalo.link_expired": (
        "Liên kết tải tệp đã hết hạn. Hãy gõ lại lệnh trong Zalo (ví dụ «/tonghop») để nhận liên kết mới."),
    "bot.zalo.link_refused": (
        "Liên kết tải tệp không đúng (có thể bị sửa hoặc chép thiếu). Hãy mở đúng liên kết bot đã gửi, hoặc gõ "
        "lại lệnh trong Zalo (ví dụ «/tonghop») để nhận liên kết mới."),
    "bot.zalo.link_missing": "Chưa tạo được tệp lúc này. Hãy thử lại sau ít phút, hoặc gõ lại lệnh trong Zalo.",
    "bot.cli.zalo_needs_token": "kênh Zalo cần ZALO_BOT_TOKEN (mã của bot Zalo, dạng 123456789:abcDEF…)",
    "bot.cli.zalo_oa_needs": (
        "kênh Zalo OA cần {names} (lấy ở trang quản lý ứng dụng developers.zalo.me); chưa có mã truy cập thì chạy "
        "«reportbot zalo-oa authorize»"
    ),
    "bot.cli.zalo_oa_authorize_open": (
        "Bước 1: mở liên kết sau bằng tài khoản quản trị OA và bấm «Cho phép»:\n{url}\n"
        "Bước 2: Zalo chuyển tới {redirect}?code=…; hãy chép giá trị code rồi chạy:\n"
        "reportbot zalo-oa authorize --code GIÁ_TRỊ_CODE --verifier {verifier}"
    ),
    "bot.cli.zalo_oa_authorized": "Đã lưu mã truy cập Zalo OA (dùng được khoảng {hours} giờ, bot tự gia hạn).",
    "bot.cli.zalo_oa_grant_failed": (
        "Zalo không cấp mã truy cập cho code này (code chỉ dùng được một lần, trong 10 phút); hãy chạy lại "
        "«reportbot zalo-oa authorize» để lấy liên kết và code mới"
    ),
    "bot.dept.no_campaign": "Chưa có đợt báo cáo nào đang mở.",
    "bot.dept.compile_cli": (
        "Báo cáo tổng hợp (.docx và .xlsx) của đợt {id}: trên máy chủ, chạy "
        "«reportbot export --campaign {id} --compiled --format docx -o tong-hop.docx» "
        "(gửi tệp qua Telegram/Zalo có ở phiên bản sau)."
    ),
    "bot.cli.campaign_created": "Đã mở đợt báo cáo số {id}: «{title}», hạn nộp {deadline}, mời {units} đơn vị.",
    "bot.cli.unit_name_empty": "Tên đơn vị đang để trống. Hãy gõ tên đơn vị, ví dụ: reportbot unit add \"Xã Kiến Thụy\".",
    "bot.cli.unit_added": "Đã thêm đơn vị #{id}: {name}.",
    "bot.cli.units_imported": "Đã thêm {added} đơn vị; {skipped} đơn vị đã có từ trước.",
    "bot.cli.invite": "Mã mời {code} cho {role}, {campaign} — {link} (hết hạn lúc {expires}).",
    "bot.cli.answers_imported": "Đã nhập {count} câu trả lời.",
    "bot.cli.word_example": "Đã ghi mẫu Word (thẻ docxtpl, trình bày theo NĐ 30): {path}. Sửa theo ý Sở rồi dùng: reportbot campaign create … --word-template {path}",
    "bot.cli.exported": "Đã xuất: {path}",
    "bot.cli.exported_draft": "Đã xuất bản nháp (đơn vị chưa nộp): {path}",
    "bot.import.missing_required": "mục bắt buộc chưa có câu trả lời (cần có để nộp)",
    "bot.import.group_item": "mục thứ {index}: {problem}",
    "bot.import.group_shape": "mỗi mục cần có các cột: {columns}",
    "bot.import.group_missing": "thiếu cột bắt buộc «{column}»",
    "bot.import.needs_question": "câu trả lời chưa rõ, cần hỏi lại: {question}",
    "bot.import.not_applicable": "mục này không được hỏi với các câu trả lời đã có (điều kiện: {when})",
    "bot.import.group_too_many": "nhiều mục hơn mức tối đa ({max} mục) của phần này",
    "bot.import.unknown_field": "mẫu báo cáo không có mục «{field}»",
    "bot.import.unknown_field_suggest": "mẫu báo cáo không có mục «{field}»; có phải «{suggestion}»?",
    "bot.console.goodbye": "Hẹn gặp lại! Các câu trả lời đã được lưu; chạy lại lệnh này để làm tiếp.",
    "bot.console.export_bug": "lỗi của chương trình (chi tiết đã ghi vào tệp nhật ký)",
    "bot.console.export_failed": "Chưa xuất được tệp báo cáo: {reason}",
    # ---- template.*: the template loader's issue catalogue (dialogs/template) ----------------------
    # ``template.<code>`` says what is wrong, ``template.<code>.fix`` how to fix it; codes never change meaning.
    "template.T101": "tệp không đọc được như YAML: {detail}.",
    "template.T101.fix": (
        'Hãy sửa cú pháp YAML ở dòng này: thụt lề bằng dấu cách (không dùng Tab), sau dấu ":" có một '
        'dấu cách, hoặc đặt chuỗi có dấu ":" hay "#" trong nháy kép.'
    ),
    "template.T102": "không mở được tệp mẫu: {detail}.",
    "template.T102.fix": "Hãy kiểm tra lại đường dẫn, hoặc dùng tên một mẫu có sẵn: {names}.",
    "template.T103": '"{key}" phải là {expected}, nhưng đang là {actual}.',
    "template.T103.fix": 'Hãy viết "{key}" dưới dạng {expected}, hoặc xem ví dụ trong docs/template-format.md.',
    "template.T104": 'khóa "{key}" không có trong {place}.',
    "template.T104.fix": "Hãy sửa tên khóa, hoặc xóa nó đi. Các khóa dùng được: {allowed}.",
    "template.T105": 'thiếu khóa bắt buộc "{key}" trong {place}.',
    "template.T105.fix": 'Hãy thêm "{key}: …" vào {place}, hoặc xem ví dụ trong docs/template-format.md.',
    "template.T106": 'khóa "{key}" được viết hai lần (dòng {first} và dòng {second}).',
    "template.T106.fix": "Hãy giữ một lần, hoặc đổi tên lần sau cho đúng khóa bạn muốn.",
    "template.T107": 'giá trị của "{key}" không hợp lệ: {detail}.',
    "template.T107.fix": "Hãy viết {expected}, hoặc xóa khóa này để dùng mặc định.",
    "template.T108": '"deadline_days" phải là số ngày từ 1 đến {max}, đang là {value}.',
    "template.T108.fix": 'Hãy viết một số nguyên dương, ví dụ "deadline_days: 14", hoặc xóa khóa để dùng 14 ngày.',
    "template.T109": '"signer.name_field" chỉ tới trường "{name}" không có trong mẫu.',
    "template.T109.fix": "Hãy viết id của trường hỏi họ tên người ký, hoặc xóa name_field.",
    "template.T110": '"{key}" có chỗ trống "{{{name}}}" không dùng được ở đây.',
    "template.T110.fix": "Hãy chỉ dùng {allowed}, hoặc viết thẳng nội dung thay cho chỗ trống.",
    "template.T201": "mẫu không có mục nào để hỏi.",
    "template.T201.fix": 'Hãy thêm "sections:" với ít nhất một mục có trường, ví dụ "- number: I".',
    "template.T202": 'số mục "{number}" trùng với mục cùng cấp ở dòng {first}.',
    "template.T202.fix": "Hãy đánh số lại các mục cùng cấp, hoặc gộp hai mục làm một.",
    "template.T203": 'số mục "{number}" không đúng kiểu đánh số của cấp {level} (cần {style}).',
    "template.T203.fix": (
        "Hãy đánh số cấp 1 bằng số La Mã (I, II, III), cấp 2 bằng số (1, 2, 3), cấp 3 bằng chữ thường "
        "(a, b, c), như Nghị định 30/2020/NĐ-CP."
    ),
    "template.T204": 'mục "{number}" không liền sau mục trước (cần "{expected}").',
    "template.T204.fix": "Hãy đánh số liên tục, hoặc thêm mục còn thiếu.",
    "template.T205": "mục lồng quá 3 cấp (I → 1 → a).",
    "template.T205.fix": "Hãy gộp mục này vào mục cha, hoặc dùng một trường văn bản có gạch đầu dòng.",
    "template.T206": 'mục "{number}" không có trường, mục con hay lời dẫn nào.',
    "template.T206.fix": 'Hãy thêm trường ("fields") hoặc lời dẫn ("intro"), hoặc xóa mục này.',
    "template.T207": 'mục dùng cả "items" lẫn "fields"/"sections".',
    "template.T207.fix": (
        'Hãy dùng một cách: hoặc "items" (trường và mục con xen nhau theo thứ tự hỏi), hoặc "fields" '
        'rồi "sections".'
    ),
    "template.T301": 'id "{id}" không hợp lệ.',
    "template.T301.fix": (
        'Hãy viết id bằng chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ, ví dụ "{suggested}".'
    ),
    "template.T302": 'id "{id}" trùng với trường ở dòng {first}.',
    "template.T302.fix": "Hãy đổi một trong hai id: id là khóa lưu câu trả lời nên không được trùng.",
    "template.T303": 'kiểu trường "{type}" không có.',
    "template.T303.fix": "Hãy dùng một trong các kiểu: {types}.",
    "template.T304": '"{low_key}" ({low}) lớn hơn "{high_key}" ({high}).',
    "template.T304.fix": 'Hãy đổi chỗ hai giá trị, hoặc sửa cho "{low_key}" không lớn hơn "{high_key}".',
    "template.T305": 'khóa "{key}" không dùng cho trường kiểu "{type}".',
    "template.T305.fix": 'Hãy xóa "{key}", hoặc đổi kiểu trường thành một trong: {types}.',
    "template.T306": 'trường kiểu "{type}" có "options", nhưng chỉ choice/multichoice mới có lựa chọn.',
    "template.T306.fix": 'Hãy đổi kiểu thành "choice" hoặc "multichoice", hoặc xóa "options".',
    "template.T307": 'trường kiểu "{type}" chưa có danh sách lựa chọn ("options").',
    "template.T307.fix": 'Hãy thêm "options:" với ít nhất hai lựa chọn, ví dụ "options: [Hằng quý, Hằng năm]".',
    "template.T308": "lựa chọn không hợp lệ: {detail}.",
    "template.T308.fix": (
        "Hãy cho mỗi lựa chọn một nhãn (label) và một giá trị (value) riêng, không trùng nhau, và ít "
        "nhất hai lựa chọn."
    ),
    "template.T309": '"pattern" không phải biểu thức chính quy hợp lệ: {detail}.',
    "template.T309.fix": "Hãy sửa pattern (đặt trong nháy đơn để giữ dấu \\), hoặc xóa nó.",
    "template.T310": 'nhóm lặp "{id}" chưa có cột nào ("fields").',
    "template.T310.fix": 'Hãy thêm "fields:" liệt kê các cột, ví dụ ho_ten, chuc_vu_don_vi, thanh_tich.',
    "template.T311": "nhóm lặp không được nằm trong một nhóm lặp khác.",
    "template.T311.fix": "Hãy đưa nhóm con ra ngoài thành một trường riêng, hoặc đổi nó thành một cột văn bản.",
    "template.T312": 'ví dụ "{example}" không đọc được theo kiểu "{type}": {detail}',
    "template.T312.fix": "Hãy sửa ví dụ cho đúng như người dùng sẽ gõ, hoặc sửa kiểu và giới hạn của trường.",
    "template.T313": 'có "{key}" nhưng không có "{rule}".',
    "template.T313.fix": 'Hãy thêm "{rule}", hoặc xóa "{key}".',
    "template.T314": '"{key}" của trường kiểu "{type}" phải là {expected}, đang là "{value}".',
    "template.T314.fix": "Hãy viết {expected}, ví dụ {example}.",
    "template.T401": '"{key}" không đọc được: {reason} trong "{src}".',
    "template.T401.fix": (
        'Hãy viết biểu thức như "so_ca_nhan >= so_tap_the" hoặc "co_dien_hinh == true" (so sánh '
        "bằng ==, nối bằng and/or/not, chuỗi trong nháy)."
    ),
    "template.T402": '"{key}" nhắc tới trường "{name}" không có trong mẫu.',
    "template.T402.fix": "Hãy viết đúng id của một trường trong mẫu.",
    "template.T403": '"when" dựa vào trường "{name}" ({place}), nên chưa biết khi cần hỏi trường này.',
    "template.T403.fix": 'Hãy chuyển trường "{name}" lên trước trường này, hoặc bỏ điều kiện.',
    "template.T404": '"{key}" có chỗ trống "{{{name}}}" không phải trường nào.',
    "template.T404.fix": "Hãy dùng {{value}} cho câu trả lời của chính trường này, hoặc {{id}} của một trường khác.",
    "template.T405": '"{key}" viết sai: {reason}.',
    "template.T405.fix": "Hãy viết chỗ trống dạng {{ten_truong}}; muốn in dấu ngoặc nhọn thì viết {{{{ hoặc }}}}.",
    # Limits of a template (dialogs/template/limits.py) and its patterns (dialogs/template/patterns.py).
    "template.T111": 'dùng bí danh YAML "*{name}"; mẫu không nhận neo "&" và bí danh "*".',
    "template.T111.fix": 'Hãy viết đầy đủ nội dung ở mỗi chỗ có "*{name}", rồi xóa "&{name}".',
    "template.T112": "tệp mẫu quá lớn: {detail}.",
    "template.T112.fix": "Hãy chia thành nhiều mẫu nhỏ hơn, hoặc xóa bớt phần không dùng đến.",
    "template.T113": "còn {count} lỗi nữa chưa liệt kê (chỉ hiện {shown} lỗi đầu tiên).",
    "template.T113.fix": 'Hãy sửa các lỗi trên rồi chạy lại "reportbot template check" để xem các lỗi còn lại.',
    "template.T208": "mẫu có hơn {max} mục; các mục sau mục này không được đọc.",
    "template.T208.fix": "Hãy chia thành nhiều mẫu nhỏ hơn, hoặc gộp các mục nhỏ lại với nhau.",
    "template.T315": '"pattern" không dùng được: {detail}.',
    "template.T315.fix": (
        "Hãy viết pattern ngắn gọn hơn, không dùng tham chiếu ngược (\\1) hay nhìn trước/nhìn sau "
        '((?=…), (?!…), (?<=…), (?<!…)), hoặc thay nó bằng "check".'
    ),
    "template.T316": "mẫu có hơn {max} trường (kể cả các cột của nhóm lặp); các trường sau trường này không được đọc.",
    "template.T316.fix": "Hãy chia thành nhiều mẫu nhỏ hơn, hoặc dùng một nhóm lặp thay cho các trường giống nhau.",
    "template.T406": '"{key}" có số {number} dài quá {max} chữ số, trong "{src}".',
    "template.T406.fix": "Hãy viết số có tối đa {max} chữ số (570_000_000 cho 570 triệu), hoặc so sánh với một trường.",
    "template.detail.too_many_bytes": "{size} byte, tối đa {max} byte",
    "template.detail.too_many_nodes": "hơn {max} giá trị YAML",
    "template.expect.bounded_number": "một số có tối đa {max} chữ số (dấu chấm cho phần thập phân)",
    "template.expr.too_many_digits": 'số "{number}" dài quá {max} chữ số',
    "template.pattern.too_long": "pattern dài {length} ký tự, tối đa {max}",
    "template.pattern.unsupported": "RE2 không hỗ trợ tính năng này ({reason})",
    "template.pattern.class_complement": (
        '"\\{letter}" trong ngoặc vuông […] chỉ được RE2 hiểu với chữ không dấu; hãy viết "\\p{{L}}" cho chữ '
        'cái, "\\p{{N}}" cho chữ số, ví dụ "[\\p{{L}} ]+" thay cho "[^\\W\\d ]+"'
    ),
    # Pieces of the issues above: near-miss suggestion, places, kinds of value, details.
    "template.suggestion": 'Có phải "{suggestion}"?',
    "template.load_failed": "mẫu {source} có {count} lỗi:\n{lines}",
    "template.file.missing": "không có tệp này",
    "template.file.not_shipped": "không có mẫu này",
    "template.file.not_utf8": "tệp không phải văn bản UTF-8",
    "template.file.unreadable": "không đọc được",
    "template.file.none_shipped": "(chưa có)",
    "template.place.top": "phần đầu của mẫu",
    "template.place.section": "mục",
    "template.place.field": "trường",
    "template.place.column": 'cột của nhóm "{group}"',
    "template.place.option": "lựa chọn",
    "template.kind.mapping": "một bảng khóa",
    "template.kind.list": "một danh sách",
    "template.expect.mapping": "một bảng khóa (khóa: giá trị)",
    "template.expect.string": "một chuỗi",
    "template.expect.strings": "một danh sách chuỗi",
    "template.expect.list": "một danh sách",
    "template.expect.sections": 'một danh sách mục (mỗi mục bắt đầu bằng "- number: …")',
    "template.expect.fields": "một danh sách trường",
    "template.expect.field": 'một bảng khóa bắt đầu bằng "- id: …"',
    "template.expect.options": "một danh sách lựa chọn",
    "template.expect.columns": "một danh sách cột",
    "template.expect.severity": '"refuse" (từ chối câu trả lời) hoặc "warn" (nhắc, rồi để người dùng xác nhận)',
    "template.expect.version": 'một chuỗi như "2025.1"',
    "template.expect.flag": '"true" hoặc "false"',
    "template.expect.count": "một số nguyên không âm, ví dụ 10",
    "template.expect.date": "một ngày dạng YYYY-MM-DD",
    "template.expect.number": "một số (dấu chấm cho phần thập phân)",
    "template.expect.number_example": "0 hoặc 100.5",
    "template.detail.empty": "để trống",
    "template.detail.duplicate_value": 'giá trị "{value}" trùng với lựa chọn ở dòng {first}',
    "template.detail.duplicate_label": 'nhãn "{label}" trùng với lựa chọn ở dòng {first}',
    "template.detail.one_option": "chỉ có một lựa chọn",
    "template.detail.pattern_mismatch": 'không khớp pattern "{pattern}".',
    "template.when.self": "chính là trường này",
    "template.when.later": "được hỏi sau, ở dòng {line}",
    "template.style.1": "số La Mã: I, II, III",
    "template.style.2": "số: 1, 2, 3",
    "template.style.3": "chữ thường: a, b, c",
    # PyYAML explains in English; the usual problems, in Vietnamese (dialogs/template/loader.py).
    "template.yaml.colon": 'có dấu ":" không đúng chỗ (chuỗi có ": " phải đặt trong nháy kép)',
    "template.yaml.missing_colon": 'thiếu dấu ":" sau tên khóa',
    "template.yaml.tab": "có ký tự Tab (hãy thụt lề bằng dấu cách)",
    "template.yaml.bad_start": "có ký tự không được đứng đầu một giá trị (Tab, @, `…)",
    "template.yaml.indent": "thụt lề không khớp với các dòng trên",
    "template.yaml.alias": "dùng bí danh (*) chưa định nghĩa",
    "template.yaml.eof": "tệp kết thúc khi một chuỗi hoặc ngoặc chưa đóng",
    "template.yaml.brackets": (
        'trong ngoặc {{ }} hoặc [ ] thiếu dấu đóng, hoặc có ký tự đặc biệt như "?", ":", "#" (hãy đặt '
        "chuỗi trong nháy kép, hoặc viết mỗi khóa một dòng)"
    ),
    # Why an expression or a render sentence cannot be read (dialogs/template/expr.py).
    "template.expr.at": "{reason} (ký tự {position})",
    "template.expr.too_long": "biểu thức dài quá {max} ký tự",
    "template.expr.bad_char": 'ký tự "{char}" không dùng được trong biểu thức',
    "template.expr.use_eq": 'dùng "==" để so sánh bằng, không dùng "="',
    "template.expr.use_and": 'dùng "and" thay cho "&&"',
    "template.expr.use_or": 'dùng "or" thay cho "||"',
    "template.expr.use_not": 'dùng "not" hoặc "!=" thay cho "!"',
    "template.expr.open_string": "chuỗi chưa đóng dấu nháy",
    "template.expr.empty": "biểu thức rỗng",
    "template.expr.extra": 'thừa "{token}": thiếu "and"/"or" hoặc một phép so sánh?',
    "template.expr.too_deep": "biểu thức lồng nhau quá sâu",
    "template.expr.missing_value": 'thiếu giá trị trước "{token}"',
    "template.expr.unfinished": "biểu thức chưa hết: thiếu một giá trị ở cuối",
    "template.expr.unclosed": 'thiếu "{closing}" đóng cho "{opening}" ở ký tự {opened_at}',
    "template.expr.stray_close": 'dấu "}}" không có "{{" mở (viết "}}}}" nếu muốn in dấu ngoặc)',
    "template.expr.open_brace": 'dấu "{{" chưa có "}}" đóng',
    "template.expr.bad_placeholder": '"{{{name}}}" không phải tên trường (chỉ viết {{ten_truong}})',
    # ---- storage.*: what the database refused (storage/) ---------------------------------------------
    "storage.campaign_unknown": "không có đợt báo cáo số {id} (xem: reportbot campaign list)",
    "storage.unit_unknown": "không có đơn vị #{id}",
    "storage.unit_not_found": 'không tìm thấy đơn vị «{text}» (thêm bằng: reportbot unit add "{text}")',
    "storage.unit_ambiguous": "«{text}» là tên của {count} đơn vị: {listed}; hãy ghi thêm tỉnh (ví dụ «{example}»), mã đơn vị hoặc số #id",
    "storage.unit_not_found_suggest": "không có đơn vị nào tên đúng là «{text}»; có phải: {listed}? Hãy ghi đúng tên (có thể kèm tỉnh, ví dụ «Xã An Lão, Hải Phòng»), mã đơn vị hoặc số #id",
    "storage.unit_number_ambiguous": "{number} vừa là mã của {code}, vừa là số #id của {id}; hãy ghi #{number} cho số #id, hoặc ghi tên đơn vị",
    "storage.unit_number_unknown": "không có đơn vị nào có mã hoặc số #id «{text}» (xem: reportbot unit list)",
    "storage.unit_label": "{name} ({province}, mã {code}, #{id})",
    "storage.unit_duplicate": "đơn vị «{name}» đã có: #{id} {existing}",
    "storage.unit_duplicate_code": "đơn vị «{name}» đã có: #{id} {existing} (mã {code})",
    "storage.invite_unknown": "mã mời {code} không đúng",
    "storage.invite_used": "mã mời {code} đã được dùng",
    "storage.invite_expired": "mã mời {code} đã hết hạn từ {date}",
    "storage.invite_revoked": "mã mời {code} đã bị Sở thu hồi ngày {date}",
    "storage.province_unknown": "không có tỉnh, thành phố «{text}» (34 tỉnh, thành từ 1/7/2025, ví dụ «Hải Phòng»)",
    # ---- bot.campaign.*, bot.progress.*, bot.return.*, bot.invite_sheet.*: the department's side (bot/) ----
    "bot.campaign.warn_past": "hạn nộp {deadline} đã qua (bây giờ là {now}): mọi báo cáo nộp từ giờ sẽ được tính là nộp muộn; nếu gõ nhầm, hãy đổi bằng «reportbot campaign extend --campaign ID --deadline 15/12/2026»",
    "bot.campaign.warn_short": "hạn nộp {deadline} chỉ còn {days} ngày: các đơn vị có thể không kịp trả lời",
    "bot.campaign.warn_earlier": "hạn nộp được dời sớm lên, từ {old} thành {new}",
    "bot.campaign.warn_no_units": "đợt báo cáo chưa có đơn vị nào nên chưa ai trả lời được; hãy thêm bằng «reportbot campaign add-units --campaign ID --unit TÊN» (hoặc --province TỈNH, --all-units)",
    "bot.campaign.which_units": "hãy ghi đơn vị: --unit TÊN (nhiều lần được), --province TỈNH hoặc --all-units",
    "bot.campaign.closed": "đợt báo cáo số {id} («{title}») đã đóng: không nhận thêm câu trả lời, báo cáo hay mã mời; nếu Sở đồng ý nhận muộn, hãy mở lại bằng «reportbot campaign reopen --campaign {id}»",
    "bot.campaign.unit_not_invited": "{unit} ({province}) không có trong đợt báo cáo số {id}, nên câu trả lời sẽ không xuất hiện ở đâu; hãy thêm đơn vị vào đợt bằng «reportbot campaign add-units --campaign {id} --unit …», hoặc kiểm tra lại tên đơn vị",
    "bot.campaign.units_added": "Đã thêm {count}/{asked} đơn vị vào đợt báo cáo số {id} (các đơn vị còn lại đã có từ trước); đợt có {total} đơn vị.",
    "bot.campaign.units_removed": "Đã bỏ {count}/{asked} đơn vị khỏi đợt báo cáo số {id} (câu trả lời đã có vẫn được giữ); đợt còn {total} đơn vị.",
    "bot.campaign.extended": "Đợt báo cáo số {id}: hạn nộp mới là {deadline}.",
    "bot.campaign.closed_now": "Đã đóng đợt báo cáo số {id}: từ giờ không nhận thêm báo cáo; mở lại bằng «reportbot campaign reopen --campaign {id}».",
    "bot.campaign.reopened": "Đã mở lại đợt báo cáo số {id}: báo cáo nộp sau hạn được nhận và tính là nộp muộn.",
    "bot.campaign.settings_saved": "Đã lưu phần ký và nơi nhận của báo cáo tổng hợp đợt số {id}.",
    "bot.campaign.status.open": "đang mở",
    "bot.campaign.status.closed": "đã đóng",
    "bot.campaign.show": (
        "Đợt báo cáo số {id}: «{title}» (mẫu {template})\n"
        "Hạn nộp: {deadline} — {status}\n"
        "Đơn vị: {units} — chưa bắt đầu {not_started}, đang làm {in_progress}, nộp đúng hạn {on_time}, nộp muộn {late}, bị trả lại {returned}, đã tiếp nhận {accepted}\n"
        "Tỷ lệ gửi báo cáo: {rate}%; đúng hạn: {on_time_rate}%\n"
        "Mã mời: chưa dùng {unused}, đã dùng {used}, hết hạn {expired}, đã thu hồi {revoked}"
    ),
    "bot.progress.state.not_started": "chưa bắt đầu",
    "bot.progress.state.in_progress": "đang làm {answered}/{asked} mục",
    "bot.progress.state.on_time": "đã nộp đúng hạn",
    "bot.progress.state.late": "nộp muộn",
    "bot.progress.state.returned": "bị trả lại, chờ sửa",
    "bot.progress.state.accepted": "Sở đã tiếp nhận ({when})",
    "bot.accept.already": "báo cáo bản {version} của {unit} đã được tiếp nhận",
    "bot.accept.done": "Đã tiếp nhận báo cáo bản {version} (đợt báo cáo số {id}).",
    "bot.help.accept": "Tiếp nhận báo cáo đã nộp của một đơn vị (trạng thái «Sở đã tiếp nhận»; vẫn tính đúng hạn hay muộn theo lúc nộp).",
    "bot.progress.editing": " (đang sửa bản mới)",
    "bot.progress.head": (
        "Đợt báo cáo số {id}: «{title}», hạn nộp {deadline}\n"
        "Đã gửi {reported}/{expected} đơn vị ({rate}%); đúng hạn {on_time} ({on_time_rate}%), muộn {late}, chưa gửi {missing}"
    ),
    "bot.progress.line": "{unit}: {state}",
    "bot.return.no_comment": "hãy ghi lý do trả lại, ví dụ --comment \"Mục IV.2 thiếu số tiền thưởng\"",
    "bot.return.not_submitted": "{unit} chưa nộp báo cáo nên chưa có gì để trả lại",
    "bot.return.already": "báo cáo bản {version} của {unit} đã được trả lại, đang chờ đơn vị sửa",
    "bot.return.editing": "{unit} đang sửa bản {version} sau khi nộp; hãy chờ đơn vị nộp bản này rồi trả lại",
    "bot.return.notice": "Sở đã trả lại báo cáo «{title}» (bản {version}) để sửa. Lý do: {comment}\nGõ «sửa <mục>» để sửa (ví dụ «sửa IV.2»), rồi gõ «nộp» để nộp lại.",
    "bot.return.done": "Đã trả lại bản {version} để đơn vị sửa (đợt báo cáo số {id}); đã báo cho {told} tài khoản của đơn vị.",
    "bot.invite_sheet.capped": "--days {days} quá dài: mã mời chỉ có hạn tối đa {max} ngày",
    "bot.invite_sheet.needs_campaign": "mời tất cả đơn vị cần --campaign ID (ví dụ reportbot invite --campaign 1 --all-units -o moi.csv)",
    "bot.invite_sheet.needs_output": "hãy ghi tệp danh sách mã mời: -o moi.csv hoặc -o moi.xlsx (hoặc --json)",
    "bot.invite_sheet.no_units": "đợt báo cáo số {id} chưa có đơn vị nào để mời; hãy thêm bằng «reportbot campaign add-units»",
    "bot.invite_sheet.written": (
        "Đã lập {count} mã mời mới cho đợt báo cáo số {id}: {path}. {revoked} mã cũ chưa dùng đã được thu hồi "
        "(chỉ bảng mới nhất có hiệu lực; mã chỉ được lưu dưới dạng băm nên không in lại được)."
    ),
    "bot.invite_sheet.line": "{code}  {state}  {role}  đợt {campaign}  {unit}  hết hạn {expires}",
    "bot.invite_sheet.revoked": "Đã thu hồi mã mời {code} ({role}, {unit}, đợt {campaign}).",
    "bot.invite_sheet.sheet": "Mã mời",
    "bot.invite_sheet.col.unit": "Đơn vị",
    "bot.invite_sheet.col.province": "Tỉnh, thành phố",
    "bot.invite_sheet.col.code": "Mã đơn vị",
    "bot.invite_sheet.col.unit_id": "Số #id",
    "bot.invite_sheet.col.invite": "Mã mời",
    "bot.invite_sheet.col.link": "Đường liên kết",
    "bot.invite_sheet.col.role": "Vai trò",
    "bot.invite_sheet.col.campaign": "Đợt báo cáo",
    "bot.invite_sheet.col.expires": "Hết hạn",
    "bot.invite_sheet.col.state": "Tình trạng",
    "bot.invite_sheet.role.reporter": "cán bộ báo cáo",
    "bot.invite_sheet.role.department": "cán bộ Sở",
    "bot.invite_sheet.state.unused": "chưa dùng",
    "bot.invite_sheet.state.used": "đã dùng",
    "bot.invite_sheet.state.expired": "hết hạn",
    "bot.invite_sheet.state.revoked": "đã thu hồi",
    # ---- bot.help.*: the command line's --help (bot/cli) ------------------------------------------
    "bot.help.usage": "Cách dùng: ",
    "bot.help.panel_arguments": "Tham số",
    "bot.help.panel_options": "Tùy chọn",
    "bot.help.panel_commands": "Lệnh",
    "bot.help.panel_error": "Lỗi",
    "bot.help.required": "[bắt buộc]",
    "bot.help.default": "[mặc định: {value}]",
    "bot.help.envvar": "[biến môi trường: {value}]",
    "bot.help.deprecated": "(không còn dùng) ",
    "bot.help.aborted": "Đã dừng.",
    "bot.help.try_help": "Xem [blue]'{command_path} {help_option}'[/] để biết cách dùng.",
    "bot.help.help_option": "Xem hướng dẫn này rồi thoát.",
    "bot.help.app": "reportbot: thu báo cáo định kỳ của các xã, phường qua Telegram và Zalo, rồi tổng hợp thành văn bản trình bày theo Nghị định 30/2020/NĐ-CP.",
    "bot.help.debug": "Hiện cả lỗi nội bộ kèm traceback trên màn hình, không chỉ ghi vào tệp nhật ký (hoặc đặt {env}=1).",
    "bot.help.template": "Kiểm tra và xem mẫu báo cáo.",
    "bot.help.campaign": "Mở, theo dõi và đóng đợt báo cáo.",
    "bot.help.unit": "Thêm và nhập đơn vị báo cáo (xã, phường, đặc khu).",
    "bot.help.answers": "Nhập câu trả lời từ tệp.",
    "bot.help.campaign_create": "Mở một đợt báo cáo theo mẫu, với hạn nộp và các đơn vị được giao báo cáo.",
    "bot.help.campaign_list": "Liệt kê các đợt báo cáo.",
    "bot.help.campaign_add_units": "Thêm đơn vị vào một đợt báo cáo.",
    "bot.help.campaign_remove_units": "Bỏ đơn vị khỏi một đợt báo cáo (câu trả lời đã có vẫn được giữ).",
    "bot.help.campaign_extend": "Đổi (gia hạn) hạn nộp của một đợt báo cáo.",
    "bot.help.campaign_close": "Đóng một đợt báo cáo: không nhận thêm báo cáo cho đến khi mở lại.",
    "bot.help.campaign_reopen": "Mở lại một đợt báo cáo đã đóng (báo cáo nộp sau hạn được tính là nộp muộn).",
    "bot.help.campaign_show": "Xem một đợt báo cáo và các con số: đơn vị theo tình trạng, tỷ lệ, mã mời.",
    "bot.help.campaign_set": "Đổi phần ký (KT./TM., chức vụ, họ tên) và nơi nhận của báo cáo tổng hợp.",
    "bot.help.unit_add": "Thêm một đơn vị báo cáo (mã và tỉnh lấy từ vietnam-provinces nếu có).",
    "bot.help.unit_import": "Nhập các xã, phường từ gói vietnam-provinces (3.321 đơn vị sau ngày 1/7/2025).",
    "bot.help.unit_list": "Liệt kê các đơn vị theo thứ tự chữ cái tiếng Việt.",
    "bot.help.answers_import": "Nhập câu trả lời từ tệp, đọc y như khi gõ trong khung chat (nhập tất cả hoặc không nhập gì).",
    "bot.help.invite": "Tạo mã mời dùng một lần và đường liên kết t.me (hoặc mã cho mọi đơn vị của một đợt: --all-units -o moi.csv).",
    "bot.help.invite_list": "Liệt kê các mã mời của Sở (của một đợt): đơn vị, vai trò, mã, hạn, tình trạng.",
    "bot.help.invite_revoke": "Thu hồi mã mời: mã không dùng được nữa.",
    "bot.help.progress": "Tình trạng từng đơn vị và tỷ lệ gửi báo cáo, tỷ lệ đúng hạn (như /tiendo trong khung chat).",
    "bot.help.return": "Trả lại báo cáo đã nộp của một đơn vị để sửa, kèm lý do (như /tralai trong khung chat).",
    "bot.help.export": "Xuất báo cáo của một đơn vị (--unit), của mọi đơn vị (--all-units) hoặc báo cáo tổng hợp (--compiled).",
    "bot.help.run": "Chạy bot trên các kênh thật (nhận tin định kỳ, hoặc webhook khi có REPORTBOT_PUBLIC_URL); "
                    "webhook, /healthz và /metrics tại REPORTBOT_LISTEN.",
    "bot.help.remind": "Gửi lời nhắc hạn nộp.",
    "bot.help.chat": "Trò chuyện với bot ngay trong cửa sổ dòng lệnh, trên cơ sở dữ liệu SQLite cục bộ, không cần token.",
    "bot.help.parse": "Đọc TEXT như câu trả lời cho một mục kiểu TYPE và in kết quả dạng JSON.",
    "bot.help.template_check": "Kiểm tra một mẫu báo cáo: mọi lỗi kèm vị trí (tệp, dòng, mục, trường) và cách sửa.",
    "bot.help.template_show": "Xem dàn ý của mẫu theo thứ tự hỏi.",
    "bot.help.template_word_example": "Ghi một mẫu Word trình bày theo NĐ 30 có thẻ docxtpl, để Sở sửa theo ý rồi dùng với --word-template.",
    "bot.help.arg_unit_name": "Tên đơn vị, ví dụ \"{example}\".",
    "bot.help.arg_answers_file": "Tệp YAML: mã mục → câu trả lời.",
    "bot.help.arg_codes": "Các mã mời cần thu hồi.",
    "bot.help.arg_template_file": "Tệp mẫu (.yaml) hoặc tên mẫu có sẵn.",
    "bot.help.arg_type": "Kiểu mục: integer, money, date, docref, …",
    "bot.help.arg_text": "Câu trả lời như người dùng gõ.",
    "bot.help.opt_template": "Tệp mẫu hoặc tên mẫu có sẵn.",
    "bot.help.opt_deadline": "Hạn nộp: 2026-12-15 hoặc 15/12/2026, có thể kèm giờ: «2026-12-15 17:00», «17:00 15/12/2026», «17h30 15/12/2026». Chỉ ghi ngày thì hạn là hết ngày đó (khi đổi hạn, giờ đã đặt trước đó được bỏ).",
    "bot.help.opt_title": "Tên đợt báo cáo (mặc định: tên của mẫu).",
    "bot.help.opt_units": "Đơn vị được giao báo cáo (ghi nhiều lần được): tên, \"tên, tỉnh\", mã đơn vị hoặc #id.",
    "bot.help.opt_unit": "Đơn vị: tên (có dấu hay không đều được), \"tên, tỉnh\", mã đơn vị hoặc #id.",
    "bot.help.opt_province_units": "Mọi đơn vị đã có của tỉnh này (hoặc: chỉ tìm --unit trong tỉnh này).",
    "bot.help.opt_province_filter": "Chỉ tìm đơn vị trong tỉnh, thành phố này, ví dụ \"Hải Phòng\".",
    "bot.help.opt_province_import": "Chỉ tỉnh, thành phố này, ví dụ \"{example}\" (mặc định: cả 34).",
    "bot.help.opt_all_units": "Mọi đơn vị đã có trong cơ sở dữ liệu.",
    "bot.help.opt_word_template": "Mẫu Word (.docx) riêng của Sở có thẻ docxtpl, dùng thay cho trình bày có sẵn (bắt đầu từ «reportbot template word-example»).",
    "bot.help.opt_contact": "Người liên hệ ở Sở (họ tên, điện thoại, email); bot đưa ra khi chưa có cán bộ Sở nào dùng bot.",
    "bot.help.opt_signer_authority": "Dòng thẩm quyền ký của báo cáo tổng hợp, ví dụ \"KT. GIÁM ĐỐC\" hoặc \"TM. ỦY BAN NHÂN DÂN\".",
    "bot.help.opt_signer_deputy": "Dòng thứ hai của thẩm quyền ký (nếu có), ví dụ \"KT. CHỦ TỊCH\".",
    "bot.help.opt_signer_position": "Chức vụ người ký, ví dụ \"PHÓ GIÁM ĐỐC\".",
    "bot.help.opt_signer_name": "Họ tên người ký, ví dụ \"Nguyễn Văn An\".",
    "bot.help.opt_noi_nhan": "Một nơi nhận của báo cáo tổng hợp (ghi nhiều lần được), ví dụ \"UBND thành phố (b/c)\".",
    "bot.help.opt_json": "In kết quả dạng JSON.",
    "bot.help.opt_json_id": "In {{\"id\": …}} dạng JSON.",
    "bot.help.opt_json_unit": "In {{\"id\", \"name\", \"province\", \"code\"}} dạng JSON.",
    "bot.help.opt_json_invite": "In {{\"code\", \"link\", \"expires\", \"unit\", …}} dạng JSON.",
    "bot.help.opt_campaign": "Số của đợt báo cáo (xem: reportbot campaign list).",
    "bot.help.opt_submit": "Nộp luôn báo cáo của đơn vị (đủ các mục bắt buộc) và in số tiếp nhận.",
    "bot.help.opt_channel": "telegram, zalo, zalo-oa hoặc all (loopback: kênh thử của các bài kiểm thử).",
    "bot.help.opt_dry_run": "Chỉ in ai sẽ được nhắc, không gửi.",
    "bot.help.opt_at": "Coi như đang là thời điểm này (ví dụ 2025-08-20T08:00).",
    "bot.help.opt_remind": "Các mốc nhắc hạn, ví dụ «7d,3d,1d,0d@08:00,+1d..+3d» («off» để tắt).",
    "bot.help.opt_quiet": "Giờ không gửi nhắc, ví dụ «21:00-07:00» («off» để tắt; Chủ nhật không gửi trừ ngày hạn).",
    "bot.help.opt_digest": "Giờ gửi bản tin tiến độ hằng ngày cho cán bộ Sở, ví dụ «17:00» (mặc định tắt).",
    "bot.help.opt_invite_unit": "Đơn vị của người được mời (bắt buộc với vai trò reporter).",
    "bot.help.opt_role": "reporter (cán bộ báo cáo) hoặc department (cán bộ Sở).",
    "bot.help.opt_invite_campaign": "Gắn mã với đợt báo cáo này.",
    "bot.help.opt_invite_all": "Một mã cho mỗi đơn vị của đợt (--campaign); mã còn hạn được giữ nguyên.",
    "bot.help.opt_invite_out": "Ghi danh sách mã mời ra tệp .csv hoặc .xlsx (để gửi thư hoặc in).",
    "bot.help.opt_days": "Số ngày mã còn hạn (từ 1; dài hơn {max} ngày thì lấy {max}).",
    "bot.help.opt_bot": "Tên Telegram của bot, để ghi đường liên kết (mặc định: hỏi Telegram khi có "
                        "TELEGRAM_BOT_TOKEN, nếu không thì «reportbot»).",
    "bot.cli.no_bot_name": "không hỏi được tên bot từ Telegram; đường liên kết dùng tên «{name}» (ghi rõ bằng --bot)",
    "bot.help.opt_comment": "Lý do trả lại, đơn vị sẽ đọc được, ví dụ \"Mục IV.2 thiếu số tiền thưởng\".",
    "bot.help.opt_export_unit": "Báo cáo của một đơn vị.",
    "bot.help.opt_compiled": "Báo cáo tổng hợp của Sở (kèm phụ lục toàn văn).",
    "bot.help.opt_export_all": "Báo cáo đã nộp của mọi đơn vị, mỗi đơn vị một tệp, vào thư mục -o (hoặc tệp .zip).",
    "bot.help.opt_format": "docx, xlsx hoặc pdf.",
    "bot.help.opt_output": "Tệp xuất ra (hoặc thư mục để ghi vào).",
    "bot.help.opt_chat_unit": "Đơn vị báo cáo (mặc định: {unit}).",
    "bot.help.opt_chat_template": "Tệp mẫu hoặc tên mẫu có sẵn (mặc định: báo cáo tổng kết thi đua, khen thưởng).",
    "bot.help.opt_chat_out": "Nơi ghi tệp .docx (tệp hoặc thư mục).",
    "bot.help.opt_json_template": "In {{\"sections\": [...], \"fields\": [...]}} dạng JSON.",
    "bot.help.opt_word_out": "Nơi ghi tệp .docx (hoặc thư mục).",
    "bot.help.opt_min": "Giá trị nhỏ nhất (một số; với ngày: YYYY-MM-DD).",
    "bot.help.opt_max": "Giá trị lớn nhất (một số; với ngày: YYYY-MM-DD).",
    "bot.help.opt_approximate": "Nhận số ước chừng ({example}).",
    "bot.help.opt_today": "Ngày hôm nay để đọc ngày tương đối (YYYY-MM-DD).",
    "bot.help.opt_option": "Một lựa chọn: NHÃN hoặc NHÃN=GIÁ_TRỊ.",
    "bot.help.opt_example": "Ví dụ riêng của mục, dùng trong thông báo lỗi.",
    "bot.help.opt_min_length": "Độ dài ngắn nhất của văn bản.",
    "bot.help.opt_max_length": "Độ dài dài nhất của văn bản.",
    "bot.help.opt_unit_words": "Đơn vị tính của con số ({example}).",
    # ---- bot.cli.*: command-line errors and output (bot/cli) -----------------------------------------
    "bot.cli.warning": "lưu ý: {text}",
    "bot.cli.unit_not_official": "danh mục xã, phường từ 1/7/2025 không có đơn vị nào tên đúng là «{name}» (hoặc có ở nhiều tỉnh), nên đơn vị được thêm như đã gõ, không có mã; nếu gõ nhầm, hãy thêm lại với tên đúng, kèm tỉnh nếu cần (ví dụ \"Xã An Lão, Hải Phòng\")",
    "bot.cli.unit_used": "Đơn vị: {unit}",
    "bot.cli.receipt": "Đã nộp báo cáo: số tiếp nhận {ref}, bản {version}, {when} (lúc {at}).",
    "bot.cli.receipt_same": "Báo cáo không thay đổi so với bản đã nộp: vẫn là số tiếp nhận {ref}, bản {version}, {when} (lúc {at}); không tạo bản mới.",
    "bot.cli.receipt_on_time": "đúng hạn",
    "bot.cli.receipt_late": "nộp muộn",
    "bot.cli.invite_for_campaign": "đợt báo cáo số {id} «{title}»",
    "bot.cli.invite_no_campaign": "mọi đợt báo cáo của đơn vị",
    "bot.cli.export_all_docx_only": "--all-units xuất các tệp .docx (--format docx); bảng .xlsx có ở báo cáo tổng hợp (--compiled)",
    "bot.cli.exported_all": "Đã xuất {count} báo cáo (mỗi đơn vị một tệp; {missing} đơn vị chưa nộp): {path}",
    "bot.cli.exported_annex": "Phụ lục (toàn văn báo cáo của các đơn vị): {path}",
    "bot.cli.bad_day": "{option} «{text}» không phải một ngày dùng được (hãy ghi dạng 2025-08-20 hoặc 20/8/2025): {reason}",
    "bot.cli.bad_time": "{option} «{text}»: «{time}» không phải một giờ trong ngày (giờ từ 0 đến 23, phút từ 00 đến 59); hãy ghi dạng «2026-12-15 17:00», «17:00 15/12/2026» hoặc «17h30 15/12/2026», hoặc chỉ ghi ngày để hạn là hết ngày đó",
    "bot.cli.bad_role": "--role phải là reporter hoặc department, không phải «{role}»",
    "bot.cli.invite_needs_unit": 'cần --unit cho người báo cáo (ví dụ --unit "Xã Khúc Thừa Dụ")',
    "bot.cli.no_file": "không có tệp {path}",
    "bot.cli.bad_yaml": "{path} không phải YAML hợp lệ (dòng {line}, cột {column}): hãy kiểm tra dấu hai chấm, dấu nháy và thụt đầu dòng ở đó",
    "bot.cli.answers_not_mapping": "{path} phải là một bảng «mã mục: câu trả lời»",
    "bot.cli.channel_unavailable": "kênh «{channel}» chưa có trong phiên bản này; hãy dùng «reportbot chat» để thử",
    "bot.cli.loopback_needs_url": "kênh thử «loopback» cần LOOPBACK_API_URL (địa chỉ máy chủ giả, ví dụ "
                                  "http://127.0.0.1:8081)",
    "bot.cli.telegram_needs_token": "kênh Telegram cần TELEGRAM_BOT_TOKEN (mã của bot do @BotFather cấp)",
    "bot.cli.no_channel": "chưa có kênh nào được cấu hình; kênh «{channel}» chưa có trong phiên bản này",
    "bot.run.listening": "reportbot đang chạy: {channels}; webhook, /healthz và /metrics tại http://{listen}. "
                         "Ctrl-C hoặc SIGTERM để dừng (không mất tin nào).",
    "bot.run.stopped": "reportbot đã dừng: mọi tin đã nhận đều được lưu.",
    "bot.cli.export_unit_or_compiled": "chọn một trong hai: --unit TÊN hoặc --compiled",
    "bot.cli.export_bad_format": "--format phải là docx, xlsx hoặc pdf, không phải «{format}»",
    "bot.cli.export_xlsx_compiled_only": "bảng .xlsx chỉ có cho báo cáo tổng hợp (--compiled)",
    "bot.cli.template_not_found": (
        "Không tìm thấy mẫu «{file}»: hãy kiểm tra đường dẫn, hoặc dùng tên một mẫu có sẵn ({names})."
    ),
    "bot.cli.template_none_shipped": "không có",
    "bot.cli.template_errors": "{file}: {count} lỗi.",
    "bot.cli.template_valid": "{file}: mẫu hợp lệ — {sections} mục, {fields} trường (mẫu {id}, phiên bản {version}).",
    "bot.cli.outline_title": "{title} — {id}, phiên bản {version}",
    "bot.cli.outline_legend": "(* = bắt buộc)",
    "bot.cli.outline_not_in_report": "[không in trong báo cáo]",
    "bot.cli.outline_allow_none": "được «không có»",
    "bot.cli.outline_when": "khi {when}",
    # Failures of the command line (bot/cli/errors.py, files.py, parse_cmd.py): one sentence each, with the fix.
    "bot.cli.day_out_of_range": "{option} phải là một ngày từ năm {first} đến năm {last}, không phải «{text}»",
    "bot.cli.bad_days": "--days phải là số ngày từ 1 đến {max}, không phải {days}",
    "bot.cli.bad_at": "--at phải là ngày giờ dạng YYYY-MM-DDTHH:MM, ví dụ 2025-08-20T08:00 (hoặc chỉ ngày: 2025-08-20), không phải «{text}»",
    "bot.cli.input_is_directory": "«{path}» là một thư mục, không phải tệp; hãy ghi đường dẫn tới một tệp trong đó",
    "bot.cli.not_utf8": "{path} không phải văn bản UTF-8 (có ký tự lạ ở dòng {line}); hãy mở tệp và lưu lại với mã hóa UTF-8",
    "bot.cli.file_is_directory": "«{path}» là một thư mục, không phải tệp; hãy ghi rõ tên tệp, ví dụ {example}",
    "bot.cli.file_not_directory": "không dùng được đường dẫn «{path}»: một phần của nó là tệp chứ không phải thư mục",
    "bot.cli.file_name_too_long": "tên tệp «{path}» quá dài; hãy đặt tên ngắn hơn",
    "bot.cli.write_disk_full": "không ghi được tệp «{path}»: ổ đĩa đã đầy; hãy giải phóng chỗ trống, hoặc ghi sang ổ khác",
    "bot.cli.write_read_only": "không ghi được tệp «{path}»: ổ đĩa này chỉ cho đọc; hãy ghi sang thư mục khác",
    "bot.cli.write_denied": "không ghi được tệp «{path}»: không có quyền ghi vào đó; hãy chọn thư mục khác, hoặc xin quyền ghi",
    "bot.cli.write_failed": "không ghi được tệp «{path}» (lỗi hệ thống {code}); hãy kiểm tra ổ đĩa rồi thử lại",
    "bot.cli.read_denied": "không đọc được tệp «{path}»: không có quyền đọc; hãy xin quyền đọc, hoặc chép tệp sang chỗ khác",
    "bot.cli.read_failed": "không đọc được tệp «{path}» (lỗi hệ thống {code}); hãy kiểm tra ổ đĩa rồi thử lại",
    "bot.cli.db_bad_url": "REPORTBOT_DATABASE_URL «{url}» không dùng được; hãy viết dạng sqlite:///reportbot.db hoặc postgresql+psycopg://người-dùng@máy-chủ/tên-cơ-sở-dữ-liệu",
    "bot.cli.db_not_a_database": "{url} không phải một cơ sở dữ liệu SQLite; hãy kiểm tra REPORTBOT_DATABASE_URL",
    "bot.cli.db_locked": "cơ sở dữ liệu {url} đang bị một tiến trình khác khóa; hãy thử lại sau ít phút",
    "bot.cli.db_unreachable": "không mở được cơ sở dữ liệu {url}; hãy kiểm tra máy chủ cơ sở dữ liệu (hoặc thư mục của tệp SQLite) và REPORTBOT_DATABASE_URL",
    "bot.cli.bad_setting": "biến môi trường {name} có giá trị không dùng được: «{value}»; hãy sửa theo bảng Environment trong README",
    "bot.cli.missing_module": "thiếu thư viện Python «{name}»; hãy cài nó vào môi trường của reportbot (pip install …)",
    "bot.cli.out_of_memory": "không đủ bộ nhớ để làm việc này; hãy đóng bớt chương trình khác rồi thử lại",
    "bot.cli.internal_error": "reportbot gặp lỗi nội bộ (không phải do lệnh vừa gõ); chi tiết đã ghi vào {log}, hãy gửi tệp đó cho người phụ trách",
    "bot.cli.internal_error_no_log": "reportbot gặp lỗi nội bộ (không phải do lệnh vừa gõ) và không ghi được nhật ký vào {log}; hãy chạy lại với «reportbot --debug …» để xem chi tiết",
    "bot.cli.usage_no_command": "không có lệnh «{name}»; xem «{command} --help»",
    "bot.cli.usage_no_command_suggest": "không có lệnh «{name}» (có phải «{suggestion}»?); xem «{command} --help»",
    "bot.cli.usage_no_option": "«{command}» không có tùy chọn {option}; xem «{command} --help»",
    "bot.cli.usage_no_option_suggest": "«{command}» không có tùy chọn {option} (có phải {suggestion}?); xem «{command} --help»",
    "bot.cli.usage_missing": "«{command}» cần {name}; xem «{command} --help»",
    "bot.cli.usage_needs_value": "tùy chọn {option} cần một giá trị ngay sau nó; xem «{command} --help»",
    "bot.cli.usage_takes_no_value": "tùy chọn {option} không nhận giá trị; xem «{command} --help»",
    "bot.cli.usage_not_integer": "{option} phải là một số nguyên, không phải «{value}»; xem «{command} --help»",
    "bot.cli.usage_bad_value": "{option} không nhận giá trị «{value}»; xem «{command} --help»",
    "bot.cli.usage_extra": "«{command}» không cần thêm «{args}» (chữ có dấu cách thì đặt trong dấu nháy); xem «{command} --help»",
    "bot.cli.usage_missing_command": "hãy ghi tên một lệnh sau «{command}»; xem «{command} --help»",
    "bot.cli.usage_other": "dòng lệnh chưa đúng cách dùng; xem «{command} --help»",
    "bot.cli.parse_unknown_type": "không có kiểu «{type}»; các kiểu có: {known}",
    "bot.cli.parse_bad_bound": "{option} phải là một số cho kiểu {type} (ví dụ 0 hoặc 100,5), không phải «{value}»",
    "bot.cli.parse_bound_too_big": "{option} «{value}» quá lớn; giới hạn là từ -{limit} đến {limit}",
    "bot.cli.parse_bad_date_bound": "{option} phải là một ngày dạng YYYY-MM-DD từ năm {first} đến năm {last} (ví dụ 2025-08-05), hoặc «hôm nay», không phải «{value}»",
    "bot.cli.parse_bad_today": "--today phải là một ngày dạng YYYY-MM-DD từ năm {first} đến năm {last} (ví dụ 2025-08-06), không phải «{value}»",
    "bot.cli.parse_bad_length": "{option} phải là một số từ 0 đến {limit}, không phải {value}",
    "bot.cli.parse_today_word": "hôm nay",
    "bot.cli.diacritics_bad_kind": "--kind không nhận «{value}»; các giá trị có: {known}",
    "bot.cli.diacritics_empty": "Không có chữ nào để thêm dấu. Hãy ghi một đoạn văn, ví dụ: reportbot diacritics \"ubnd xa to chuc hoi nghi\"",
    "bot.cli.diacritics_not_utf8": "Đầu vào không phải văn bản UTF-8. Hãy lưu văn bản dạng UTF-8 rồi chạy lại.",
    # Vietnamese examples quoted in the (English) --help texts.
    "bot.cli.example_unit": "Xã Khúc Thừa Dụ",
    "bot.cli.example_province": "Hải Phòng",
    "bot.cli.example_approximate": "hơn 650",
    "bot.cli.example_unit_words": "tập thể, triệu đồng",
    # Sentences of bot/services.py and bot/channels/console.py, ready for their owner to raise / use by id.
    "bot.import_refused": "{count} câu trả lời không nhập được; chưa nhập gì",
    "bot.word_template_invalid": "{name} không dùng làm mẫu Word được: {detail}",
    "bot.console.display_name": "Cán bộ xã",
    # ---- parse.example.<type>: the example a refused answer shows when the field has none -------------
    "parse.example.choice": "1",
    "parse.example.multichoice": "1, 3",
    "parse.example.date": "05/8/2025",
    "parse.example.docref": "Kế hoạch số 337/KH-UBND ngày 29/12/2023",
    "parse.example.file": "ảnh chụp biên bản, tệp .docx hoặc .pdf",
    "parse.example.money": "570 triệu đồng",
    "parse.example.integer": "75",
    "parse.example.decimal": "12,5",
    "parse.example.percent": "85,5%",
    "parse.example.text": "Đã tổ chức 3 hội nghị sơ kết, biểu dương 12 tập thể tiêu biểu.",
    "parse.example.yesno": "có",
    # ---- export.*: exporters (exporters/) ------------------------------------------------------------
    "export.department_default": "SỞ",
    "export.no_libreoffice": (
        "Không xuất được PDF vì máy chủ chưa cài LibreOffice (soffice). Hãy cài gói libreoffice-writer, "
        "hoặc xuất báo cáo dạng .docx."
    ),
    "export.pdf_failed": "Không chuyển được báo cáo sang PDF: {reason}. Hãy thử lại, hoặc xuất dạng .docx.",
    "export.timeout": "quá {seconds} giây",
    "export.pdf_too_slow": "LibreOffice chưa chuyển xong sang PDF sau {seconds} giây nên đã bị dừng (không để lại tiến trình nào). Hãy xuất dạng .docx (--format docx), mở bằng Word hoặc LibreOffice rồi lưu thành PDF.",
}


def t(key: str, /, **params: Any) -> str:
    """Render message ``key`` with ``params``; a missing key or parameter is a programming error."""
    return render(key, params)


def ref(key: str, /, **params: Any) -> dict[str, Any]:
    """Message ``key`` with ``params`` as a value: a parameter of another message, rendered in its place."""
    return {"msg": key, "params": params}


def render(key: str, params: Mapping[str, Any] | None = None) -> str:
    """Render message ``key``. A parameter may itself be a message (:func:`ref`) or a list of values (one
    per line); a line of the message that holds only a placeholder which renders empty is left out.

    >>> render("engine.saved", {"display": "75"})
    'Đã ghi: 75.'
    >>> render("ui.lines", {"lines": [ref("engine.saved", display="75"), "", "Câu 2?"]})
    'Đã ghi: 75.\\nCâu 2?'
    """
    values = {name: _value(value) for name, value in (params or {}).items()}
    lines = []
    for line in MESSAGES[key].split("\n"):
        alone = _ALONE.fullmatch(line)
        if alone and not values.get(alone.group(1)):
            continue
        lines.append(line.format(**values))
    # A value that ends a sentence itself ("Ví dụ: … khẩu hiệu." + ".") does not get a second full stop.
    return _DOUBLE_STOP.sub(lambda m: m.group(1), "\n".join(lines))


def _value(value: Any) -> str:
    if isinstance(value, dict) and "msg" in value:
        return render(str(value["msg"]), value.get("params") or {})
    if isinstance(value, (list, tuple)):
        return "\n".join(text for text in (_value(v) for v in value) if text)
    return "" if value is None else str(value)


_ALONE = re.compile(r"\{(\w+)\}")
_DOUBLE_STOP = re.compile(r"(?<!\.)([.…])\.(?!\.)")


def placeholders(key: str) -> set[str]:
    """The parameter names message ``key`` expects."""
    return {name for _, name, _, _ in string.Formatter().parse(MESSAGES[key]) if name}
