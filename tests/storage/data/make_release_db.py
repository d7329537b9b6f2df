"""Build ``release-0.1.sqlite`` and ``release-0.1.expected.json``: a database written by release 0.1.

This script must run against **release 0.1 (commit 556a3d9)**, not against the current code: it drives
that release's own services and runner, so the database holds exactly what 0.1 wrote (schema, Alembic
revision, conversation-state JSON, answer rows, submissions, outbox). A future migration test upgrades
a copy of the file and checks every answer listed in the manifest ends up in its report.

Regenerate it from a separate worktree (never from the main checkout)::

    git worktree add /tmp/release01 556a3d9
    cp tests/storage/data/make_release_db.py /tmp/release01/
    cd /tmp/release01
    PYTHONPATH=/tmp/release01 /path/to/.venv/bin/python make_release_db.py \\
        --db /tmp/release-0.1.sqlite --manifest /tmp/release-0.1.expected.json
    cp /tmp/release-0.1.sqlite /tmp/release-0.1.expected.json <repo>/tests/storage/data/
    git worktree remove --force /tmp/release01

``PYTHONPATH`` must win over the venv's editable install of the project: the script refuses to run
unless ``dialogs``, ``bot`` and ``storage`` are imported from the directory it sits in, and unless that
directory's ``git rev-parse HEAD`` starts with 556a3d9 (``--any-commit`` skips the commit check).

Everything is deterministic: a fixed clock (2025-08-06 09:00 +07:00, one minute per message), fixed
invite codes (``secrets`` replaced in ``bot.services`` only) and fixed update ids, so two runs give the
same rows (SQLite file bytes may still differ).
"""


from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import types
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RELEASE_COMMIT = "556a3d9"
ICT = timezone(timedelta(hours=7))
START = datetime(2025, 8, 6, 9, 0, tzinfo=ICT)


def _check_imports(any_commit: bool) -> None:
    import bot
    import dialogs
    import storage

    for module in (bot, dialogs, storage):
        where = Path(module.__file__ or "").resolve()
        if HERE not in where.parents:
            sys.exit(f"{module.__name__} is imported from {where}, not from {HERE}: set PYTHONPATH={HERE}")
    if any_commit:
        return
    head = subprocess.run(["git", "-C", str(HERE), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=False).stdout.strip()
    if not head.startswith(RELEASE_COMMIT):
        sys.exit(f"{HERE} is at {head or '(no git)'}, not release 0.1 ({RELEASE_COMMIT}); use --any-commit to force")


class Clock:
    """The one clock of the run: services, runner and engine all read it; each message moves it on."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


CLOCK = Clock(START)
#: Invite codes handed out in order (create_invite keeps the first 8 characters, upper-cased).
CODES = iter(["KTDTDKT1", "KTHTDKT1", "HANMINI1", "SOGDDT01", "HANTDKT1"])


def _fixed_token(_nbytes: int = 6) -> str:
    return next(CODES)


# --------------------------------------------------------------------------------------------------
# the scenario
# --------------------------------------------------------------------------------------------------

#: Telegram users: chat id = user id (private chats), as Telegram gives them.
T_KTD = ("7001001", "Nguyễn Văn An")       # Xã Khúc Thừa Dụ, shipped template: complete, submit, edit → v2
T_KTH = ("7001002", "Trần Thị Bích")       # Xã Kiến Thụy, shipped template: left inside the repeated group
T_HAN = ("7001003", "Lê Minh Châu")        # Phường Hải An, mini template: partly answered, then an import
T_DEPT = ("7009001", "Phạm Quốc Dũng")      # Sở GD&ĐT staff (role department)

KTD_SCRIPT: list[str] = [
    # I.1 lanh_dao_chi_dao — long text over three messages, closed with "xong"
    "Ban Thường vụ Đảng ủy, UBND xã luôn xác định thi đua yêu nước là động lực quan trọng thúc đẩy "
    "phát triển kinh tế - xã hội của địa phương.",
    "Công tác thi đua được lồng ghép vào kế hoạch công tác hằng năm; xã phát động các phong trào "
    "theo chủ đề hằng năm của thành phố.",
    "Tập trung vào các lĩnh vực giáo dục, xây dựng nông thôn mới và chuyển đổi số.",
    "xong",
    # I.2 van_ban_chi_dao
    "Hằng năm xã ban hành kế hoạch thi đua khen thưởng; xây dựng tiêu chí thi đua, tổ chức ký cam kết "
    "thi đua giữa các thôn.",
    "xong",
    # II.1 ke_hoach_xhht (docref)
    "337/KH-UBND ngày 29/12/2023",
    # ket_qua_xhht
    "Kế hoạch triển khai tại xã đã được ban hành, với mục tiêu tạo động lực học tập suốt đời cho mọi "
    "tầng lớp nhân dân.",
    "xong",
    # II.2 phong_trao_thanh_pho (multichoice)
    "chuyển đổi số, sáng kiến",
    # ket_qua_phong_trao_thanh_pho
    "Phong trào thi đua chuyển đổi số đã tạo động lực mạnh mẽ trong toàn hệ thống chính trị và nhân dân.",
    "Có 12 sáng kiến cải tiến kỹ thuật được công nhận cấp cơ sở.",
    "xong",
    # III.1 tuyen_truyen_dien_hinh
    "Ủy ban nhân dân xã đã tổ chức tuyên truyền trên hệ thống trang thông tin, truyền thanh xã, pano, "
    "khẩu hiệu.",
    "xong",
    # III.2 dien_hinh_tieu_bieu
    "Tiêu biểu có trường THCS Hồng Phong, TH Kiến Quốc nhiều năm liền đạt danh hiệu Tập thể lao động "
    "xuất sắc.",
    "xong",
    # IV.1 doi_moi_khen_thuong
    "Tăng tỷ lệ khen thưởng cán bộ cơ sở, người trực tiếp lao động sản xuất; khen thưởng kịp thời.",
    "xong",
    # IV.2 numbers and money
    "trên 75",
    "hơn 650",
    "hơn 570 triệu",
    "cấp huyện",
    # IV.3 yes/no and a repeated group of two records (max_items 2: closes itself after the second)
    "có",
    "Nguyễn Thị Hoa",
    "giáo viên",
    "Giáo viên Trường Tiểu học Kiến Quốc",
    "Giáo viên dạy giỏi cấp thành phố; 02 sáng kiến kinh nghiệm được công nhận.",
    "có",
    "Phạm Minh Khôi",
    "hs",
    "Học sinh lớp 9A Trường THCS Hồng Phong",
    "Giải Nhất học sinh giỏi cấp thành phố môn Toán năm học 2024-2025.",
    # V hoat_dong_hoi_dong
    "Hội đồng thường xuyên họp định kỳ đánh giá kết quả thi đua, tham mưu khen thưởng.",
    "xong",
    # V.1 uu_diem
    "Phong trào thi đua trên địa bàn xã luôn nhận được sự lãnh đạo, chỉ đạo quyết liệt của Đảng ủy, UBND xã.",
    "xong",
    # V.2 ton_tai
    "- Việc tuyên truyền pháp luật về thi đua, khen thưởng có lúc chưa thường xuyên.",
    "xong",
    # V.3 nguyen_nhan — "không có"
    "không có",
    # V.4 bai_hoc_kinh_nghiem
    "- Gắn thi đua với nhiệm vụ chính trị cụ thể; phát huy vai trò nêu gương của người đứng đầu.",
    "xong",
    # V.5 de_xuat_kien_nghi
    "không có",
    # VI nguoi_ky, ngay_bao_cao
    "Nguyễn Đình Biểu",
    "6/8/2025",
    # submit, confirm
    "nộp",
    "đồng ý",
    # after the receipt: edit a figure, which opens version 2 (left as a draft)
    "sửa so_tap_the",
    "80",
]

KTH_SCRIPT: list[str] = [
    "Đảng ủy, UBND xã Kiến Thụy quan tâm lãnh đạo công tác thi đua, khen thưởng trong giai đoạn 2021-2025.",
    "xong",
    "Xã ban hành kế hoạch thi đua hằng năm và thành lập Hội đồng thi đua – khen thưởng.",
    "xong",
    "bỏ qua",                       # ke_hoach_xhht is optional
    "Xã duy trì trung tâm học tập cộng đồng và 15 mô hình học tập ở các thôn.",
    "xong",
    "1",                            # phong_trao_thanh_pho by number
    "Xã đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính, đạt 95% hồ sơ trực tuyến.",
    "xong",
    "Xã tuyên truyền điển hình tiên tiến qua đài truyền thanh và hội nghị biểu dương hằng năm.",
    "xong",
    "không có",                     # dien_hinh_tieu_bieu allows none
    "Khen thưởng kịp thời, đúng người, đúng thành tích; ưu tiên người lao động trực tiếp.",
    "xong",
    "42",
    "khoảng 310",
    "0,25 tỷ",
    "2",                            # cap_khen_thuong by number: UBND thành phố
    "co",
    "Đỗ Thu Trang",
    "gv",
    "Giáo viên Trường Mầm non Kiến Thụy",
    "Chiến sĩ thi đua cơ sở ba năm liền.",
    "có",                           # another record …
    "Vũ Đức Anh",                   # … left after its first column: the group is not saved yet
]

HAN_SCRIPT: list[str] = [
    "Phường đã ban hành kế hoạch thi đua năm 2025.",
    "Tổ chức ký cam kết thi đua giữa các tổ dân phố.",
    "xong",
    "Lê Minh Châu",
    "6/8/2025",
    "de sau",                       # van_ban (optional) left for later: only listed in state.deferred
    "bay muoi lam",
    "650 ca nhan",
    "tạm dừng",
]

#: Imported for Phường Hải An in the mini campaign (field id → text, as `reportbot import` reads a file).
HAN_IMPORT: dict[str, Any] = {
    "so_tien": "570tr",
    "ty_le": "85,5%",
    "muc_do": "Tốt",
    "so_ca_nhan": "700",
}


#: How release 0.1 stores things that a migration must not lose (checked against this database).
NOTES: list[str] = [
    "State and table agree on every answer saved by the chat: for each conversation, state.answers and "
    "uow.answers.current_records(campaign, unit) have the same fields and the same status/value/raw/display/"
    "approximate/qualifier; only 'at' differs in form (state: local ISO with +07:00; table: created_at "
    "stored as naive UTC text, read back as +00:00 — the same instant).",
    "A repeated group is one answer row holding the whole list (value = [{column id: value}]), written only "
    "when the group is finished. Progress inside a group lives only in state.group "
    "{field, items, item, col, phase}: conversation 3 (Xã Kiến Thụy) has one complete record and one started "
    "record there that are in neither state.answers nor the answers table.",
    "Answers are append-only: a correction or an import is a newer row; current = max(id) per field over all "
    "submission versions. After the edit (conversation 2) only so_tap_the has a submission_version=2 row; "
    "every other field of version 2 is carried over from version-1 rows.",
    "Submissions rows exist only from a submit, an edit after submit (open_draft of version 2) or an import "
    "(open_draft of version 1). A unit that only chatted (Xã Kiến Thụy) has answer rows with "
    "submission_version=1 but no submissions row at all.",
    "The frozen snapshot submissions.answers is the engine state's records (with 'at' in +07:00), not rows "
    "of the answers table. Services.unit_answers (the .docx) uses the last submitted snapshot whenever one "
    "exists, so Xã Khúc Thừa Dụ's report still shows so_tap_the 75 (version 1), not the version-2 draft's 80.",
    "import_answers appends rows with channel 'import' and person_id NULL, opens a draft submission, and "
    "merges the records into the state of every conversation of that unit and campaign — answers only: "
    "state.types, cursor and mode are untouched (conversation 4 stays 'paused' with its cursor on so_tien, "
    "which the import answered; on resume 0.1 asks so_tien again showing the imported answer). The import "
    "overrode so_ca_nhan 650 (chat) with 700: both rows are kept.",
    "conversation_states (history) is nearly empty: the Runner uses keep_state_history=False, so no chat turn "
    "is recorded (not even a conversation's first state); the single row is the save made by import_answers "
    "(Services.uow keeps history).",
    "'để sau' on an optional field (van_ban, conversation 4) stores no answer anywhere: the field is only "
    "listed in state.deferred. 'bỏ qua' stores status 'skipped' (value null, raw 'bỏ qua'); 'không có' "
    "stores status 'none' (value null, raw 'không có').",
    "The department person's conversation has state {} (no schema key), campaign_id and unit_id NULL; the "
    "department invite names no unit or campaign.",
    "Values by type: integer/money → int, percent/decimal → float, date → 'YYYY-MM-DD', yesno → bool, "
    "choice → option value ('tot', 'ubnd_cap_huyen'), multichoice → list of option values, docref → "
    "{number, symbol, kind, date}, group → list of dicts (choice columns hold option values), text → str "
    "(multi-message text joined with newlines). Approximate numbers keep qualifier ('trên', 'hơn', "
    "'khoảng') and approximate=true, and their display already contains the qualifier ('trên 75'); 0.1's "
    "receipt and edit prompt print it twice ('trên trên 75').",
]


def build(db_path: Path) -> dict[str, Any]:
    # load_template and State through bot.services (0.1 imports them there): their 0.1 modules are gone from
    # later trees, and a file that sorts its imports the same way in both must not name them.
    import bot.services as services_module
    from bot.config import Settings
    from bot.runner import Runner, Update
    from bot.services import Services, load_template, resolve_template
    from dialogs.events import Event, Text

    class FixedSettings(Settings):
        def now(self) -> datetime:  # the whole run reads the scenario's clock
            return CLOCK()

    services_module.secrets = types.SimpleNamespace(token_urlsafe=_fixed_token)  # type: ignore[attr-defined]

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    services = Services(FixedSettings(REPORTBOT_DATABASE_URL=f"sqlite:///{db_path}", REPORTBOT_TZ="Asia/Ho_Chi_Minh"))

    # ---- administration: units, campaigns, invites (08:00–08:10) ---------------------------------------
    CLOCK.now = START - timedelta(hours=1)
    units = {}
    for name in ("Xã Khúc Thừa Dụ", "Xã Kiến Thụy", "Phường Hải An"):
        unit = services.add_unit(name)
        units[name] = unit.id
        CLOCK.tick()
    shipped = resolve_template("tdkt_5nam_2021_2025")
    mini = load_template(HERE / "tests" / "dialogs" / "templates" / "mini.yaml")
    c_tdkt = services.create_campaign(shipped, date(2025, 8, 16), unit_names=tuple(units)).id
    CLOCK.tick()
    c_mini = services.create_campaign(mini, date(2025, 8, 13), title="Báo cáo thử nghiệm (mini)",
                                      unit_names=("Phường Hải An", "Xã Kiến Thụy")).id
    CLOCK.tick()
    invites = {
        "ktd": services.create_invite("Xã Khúc Thừa Dụ", "reporter", c_tdkt).code,
        "kth": services.create_invite("Xã Kiến Thụy", "reporter", c_tdkt).code,
        "han": services.create_invite("Phường Hải An", "reporter", c_mini).code,
        "dept": services.create_invite(None, "department", None).code,
        "unused": services.create_invite("Phường Hải An", "reporter", c_tdkt).code,
    }
    CLOCK.tick()

    # ---- the chats (from 09:00, one minute per message) ------------------------------------------------
    CLOCK.now = START
    runner = Runner(services.session_factory, CLOCK)
    update_ids = iter(range(900_000_001, 999_999_999))
    transcript: list[dict[str, Any]] = []

    def send(who: tuple[str, str], text: str) -> list[str]:
        chat_id, name = who
        event: Event = Text(text)
        update = Update("telegram", str(next(update_ids)), chat_id, chat_id, event, display_name=name)
        handled = runner.process(update)
        if handled.error:
            raise RuntimeError(f"{chat_id} «{text}»: {handled.error}")
        replies: list[str] = []
        runner.send_replies([handled], lambda m: replies.append(m.text))
        transcript.append({"at": CLOCK().isoformat(), "chat_id": chat_id, "update_id": update.update_id,
                           "text": text, "replies": replies})
        CLOCK.tick()
        return replies

    send(T_DEPT, f"/start {invites['dept']}")
    for who, key, script in ((T_KTD, "ktd", KTD_SCRIPT), (T_KTH, "kth", KTH_SCRIPT), (T_HAN, "han", HAN_SCRIPT)):
        send(who, f"/start {invites[key]}")
        for line in script:
            send(who, line)
    send(T_DEPT, "/tiendo")
    runner.flush()

    # ---- an import for Phường Hải An in the mini campaign (after the chat paused) ----------------------
    CLOCK.tick(30)
    import_at = CLOCK().isoformat()
    imported = services.import_answers(c_mini, "Phường Hải An", HAN_IMPORT)
    CLOCK.tick()
    services.engine.dispose()
    return {
        "campaigns": {"tdkt_5nam_2021_2025": c_tdkt, "mini": c_mini},
        "units": units,
        "invites": invites,
        "imported": imported,
        "import_at": import_at,
        "transcript": transcript,
    }


# --------------------------------------------------------------------------------------------------
# the manifest
# --------------------------------------------------------------------------------------------------

def manifest(db_path: Path, built: dict[str, Any]) -> dict[str, Any]:
    """What the release considers stored, read back through its own repositories."""
    from sqlalchemy import text

    from bot.config import Settings
    from bot.services import Services, State
    from storage.db import current_revision
    from storage.models import Campaign, Conversation, Identity, Invite, Person, Unit

    services = Services(Settings(REPORTBOT_DATABASE_URL=f"sqlite:///{db_path}"))
    out: dict[str, Any] = {
        "release": {"version": "0.1", "commit": RELEASE_COMMIT,
                    "generated_by": "tests/storage/data/make_release_db.py"},
        "alembic_revision": current_revision(services.engine),
        "clock": {"start": START.isoformat(), "step": "1 minute per message"},
    }
    with services.uow() as uow:
        s = uow.session
        out["counts"] = {
            table: s.execute(text(f'select count(*) from "{table}"')).scalar_one()
            for (table,) in s.execute(text("select name from sqlite_master where type='table' order by name"))
        }
        out["units"] = [{"id": u.id, "name": u.name, "code": u.code, "kind": u.kind,
                         "province_code": u.province_code, "province_name": u.province_name}
                        for u in s.query(Unit).order_by(Unit.id)]
        out["campaigns"] = []
        for c in s.query(Campaign).order_by(Campaign.id):
            tv = uow.templates.get(c.template_version_id)
            out["campaigns"].append({
                "id": c.id, "title": c.title, "deadline": c.deadline.isoformat(), "status": c.status,
                "template_version_id": tv.id, "template_id": tv.template_id, "template_version": tv.version,
                "template_digest": tv.digest,
                "expected_unit_ids": [u.id for u in uow.campaigns.expected_units(c.id)],
            })
        out["people"] = [{"id": p.id, "display_name": p.display_name, "role": p.role, "unit_id": p.unit_id,
                          "identities": [{"channel": i.channel, "external_id": i.external_id}
                                         for i in s.query(Identity).filter_by(person_id=p.id).order_by(Identity.id)]}
                         for p in s.query(Person).order_by(Person.id)]
        out["invites"] = [{"code": i.code, "role": i.role, "unit_id": i.unit_id, "campaign_id": i.campaign_id,
                           "used_by": i.used_by, "used": i.used_at is not None}
                          for i in s.query(Invite).order_by(Invite.created_at, Invite.code)]
        conversations = []
        for conv in s.query(Conversation).order_by(Conversation.id):
            st = conv.state or {}
            answers = st.get("answers") or {}
            conversations.append({
                "id": conv.id, "channel": conv.channel, "chat_id": conv.chat_id, "person_id": conv.person_id,
                "campaign_id": conv.campaign_id, "unit_id": conv.unit_id, "state_version": conv.state_version,
                "schema": st.get("schema"), "template": st.get("template"),
                "cursor": st.get("cursor"), "mode": st.get("mode"), "version": st.get("version"),
                "started": st.get("started"), "buffer": st.get("buffer") or [],
                "deferred": st.get("deferred") or [], "return_to": st.get("return_to"),
                "pending": st.get("pending"),
                # Progress in a repeated group: records and the column reached, not yet saved as an answer.
                "group": st.get("group"),
                "submitted": st.get("submitted") or [], "types": st.get("types") or {},
                "answer_values": {k: v.get("value") for k, v in answers.items()},
                "answers": answers,
                # The release's own State reads the stored JSON back to the same answers.
                "state_roundtrip_ok": State.from_json(st).to_json()["answers"] == answers,
            })
        out["conversations"] = conversations
        reports = []
        for campaign in uow.campaigns.all():
            for unit in uow.campaigns.expected_units(campaign.id):
                current = uow.answers.current_records(campaign.id, unit.id)
                subs = uow.submissions.versions(campaign.id, unit.id)
                in_report, from_submission, _when = services.unit_answers(uow, campaign.id, unit.id)
                reports.append({
                    "campaign_id": campaign.id, "unit_id": unit.id,
                    "conversation_ids": [c["id"] for c in conversations
                                         if c["campaign_id"] == campaign.id and c["unit_id"] == unit.id],
                    "answer_rows": uow.answers.count(campaign.id, unit.id),
                    # Every row of the append-only history, oldest first.
                    "answer_history": [{"id": a.id, "field_id": a.field_id, "submission_version": a.submission_version,
                                        "status": a.status, "value": a.value, "raw": a.raw, "channel": a.channel,
                                        "person_id": a.person_id, "created_at": a.created_at.isoformat()}
                                       for a in uow.answers.history(campaign.id, unit.id)],
                    # uow.answers.current_records: the newest answer row per field, over every version.
                    "current_records": {k: r.to_json() for k, r in current.items()},
                    "current_values": {k: r.value for k, r in current.items()},
                    "submissions": [{"version": x.version, "status": x.status, "ref": x.ref,
                                     "submitted_at": x.submitted_at.isoformat() if x.submitted_at else None,
                                     "submitted_by": x.submitted_by, "answers": x.answers} for x in subs],
                    # Services.unit_answers: what 0.1 puts in the unit's .docx (last submitted, else draft).
                    "report_source": "last_submitted" if from_submission else "current_records",
                    "report_values": {k: r.value for k, r in in_report.items()},
                })
        out["reports"] = reports
    services.engine.dispose()
    out["import"] = {"campaign_id": built["campaigns"]["mini"], "unit": "Phường Hải An", "raw": HAN_IMPORT,
                     "records_imported": built["imported"], "at": built["import_at"]}
    out["transcript"] = built["transcript"]
    out["notes"] = NOTES
    return out


def check(data: dict[str, Any]) -> None:
    """The NOTES hold for this database (the script fails rather than ship a manifest that lies)."""
    convs = {c["id"]: c for c in data["conversations"]}
    reports = {(r["campaign_id"], r["unit_id"]): r for r in data["reports"]}
    for conv in convs.values():
        if conv["campaign_id"] is None:
            continue
        current = reports[(conv["campaign_id"], conv["unit_id"])]["current_records"]
        assert set(conv["answers"]) == set(current), conv["id"]
        for key, record in conv["answers"].items():
            row = current[key]
            assert {k: v for k, v in record.items() if k != "at"} == {k: v for k, v in row.items() if k != "at"}, key
            assert datetime.fromisoformat(record["at"]) == datetime.fromisoformat(row["at"]), key
        assert conv["state_roundtrip_ok"], conv["id"]
    ktd, kth, han, dept = convs[2], convs[3], convs[4], convs[1]
    assert dept["schema"] is None and dept["campaign_id"] is None and dept["answers"] == {}
    assert kth["group"]["field"] == "dien_hinh_tien_tien" and len(kth["group"]["items"]) == 1
    assert kth["group"]["item"] == {"ho_ten": "Vũ Đức Anh"} and "dien_hinh_tien_tien" not in kth["answers"]
    assert reports[(1, 2)]["submissions"] == []
    r_ktd = reports[(1, 1)]
    assert [(x["version"], x["status"]) for x in r_ktd["submissions"]] == [(1, "submitted"), (2, "draft")]
    assert [a["field_id"] for a in r_ktd["answer_history"] if a["submission_version"] == 2] == ["so_tap_the"]
    assert r_ktd["current_values"]["so_tap_the"] == 80 and r_ktd["report_values"]["so_tap_the"] == 75
    assert ktd["version"] == 2 and ktd["mode"] == "review"
    r_han = reports[(2, 3)]
    assert [(x["version"], x["status"]) for x in r_han["submissions"]] == [(1, "draft")]
    assert han["mode"] == "paused" and han["cursor"] == "so_tien" and "so_tien" in han["answers"]
    assert "so_tien" not in han["types"] and han["deferred"] == ["van_ban"] and "van_ban" not in han["answers"]
    assert [a["value"] for a in r_han["answer_history"] if a["field_id"] == "so_ca_nhan"] == [650, 700]
    assert all(a["person_id"] is None for a in r_han["answer_history"] if a["channel"] == "import")
    assert data["counts"]["conversation_states"] == 1


def _compact(db_path: Path) -> None:
    """Fold the WAL back in, leave WAL mode (one self-contained file) and VACUUM."""
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("VACUUM")
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/release-0.1.sqlite"))
    parser.add_argument("--manifest", type=Path, default=Path("/tmp/release-0.1.expected.json"))
    parser.add_argument("--any-commit", action="store_true", help="skip the release-commit check")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    _check_imports(args.any_commit)
    built = build(args.db.resolve())
    data = manifest(args.db.resolve(), built)
    check(data)
    data["transcript"] = [{k: v for k, v in step.items() if k != "replies"} for step in built["transcript"]]
    _compact(args.db)
    args.manifest.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    if not args.quiet:
        for step in built["transcript"]:
            print(f"[{step['at'][11:16]}] {step['chat_id']} › {step['text'][:70]}")
            for reply in step["replies"]:
                print("        ‹ " + reply.replace("\n", "\n          ")[:600])
    with sqlite3.connect(args.db) as connection:
        (revision,) = connection.execute("select version_num from alembic_version").fetchone()
    print("alembic revision (select version_num from alembic_version):", revision)
    print("rows:", json.dumps(data["counts"]))
    print(f"{args.db}: {args.db.stat().st_size} bytes; manifest {args.manifest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
