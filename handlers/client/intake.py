"""The intake: from the first words of a worried employee to a registered ticket.

describe (asked what happened when the first words name nothing) → kind and topic (what I
understood, each correctable, or a plain question) → impact and scope (incident) or request
type → summary card → send. Every step has Back; /cancel works anywhere. Another problem
typed meanwhile is asked about: added to this request, or registered separately after it.
Files (photos, screenshots, documents, voice) are welcome at any step before sending.
A pressed answer is acknowledged (the button's spinner stops) once the next question is on
screen: the step's state changes are then written together, before the bot speaks.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain import Category, Priority, RequestType, Scope, TicketKind, WorkImpact, classify
from domain import events as ev
from domain.answers import (
    Question,
    Reply,
    correction_of,
    is_bare_cancel,
    meant_as_an_answer,
    read_answer,
    topic_instead,
)
from domain.descriptions import (
    another_problem,
    described_anew,
    on_its_own,
    says_what,
    topic_of,
    work_stopped_in,
)
from domain.errors import DomainError
from domain.model import Attachment, Ticket
from domain.outages import OutageRule
from domain.paging import (
    Responder,
    after_hours_call,
    may_ask_for_help_now,
    needs_confirmation,
    responder,
)
from domain.ports import Clock, Notifier, UnitOfWork
from domain.routing import Gist, gist_of, says_nothing_to_keep
from domain.use_cases import intake
from domain.use_cases.common import Outcome
from handlers.acting import perform
from handlers.actor import Actor
from handlers.client import outages
from handlers.client.group_context import (
    GROUP_REPLY,
    note_ticket_opened_here,
    private_or_client_group,
)
from handlers.client.states import Intake, IntakeDraft
from handlers.ui.callbacks import IntakeCb
from handlers.ui.formatting import deadline, moment_phrase, number, until_phrase
from handlers.ui.keyboards import back_cancel_row, inline, main_keyboard
from handlers.ui.pressed import Pressed
from handlers.ui.texts import N_, category_name, stated_topic

if TYPE_CHECKING:
    from handlers.client.self_help import Asker

router = Router(name=__name__)
# In a client's group, only what handlers/client/group_chat.py passed on comes here.
router.message.filter(private_or_client_group, lambda _m, actor: actor.is_employee)
router.callback_query.filter(lambda _q, actor: actor.is_employee)

# A GIF arrives as an animation that also carries a document: it is not a file for us.
MAX_FILES = 20  # per request
MEDIA = (F.photo | F.document | F.voice | F.video | F.video_note | F.audio) & ~F.animation
UNSUITABLE = F.sticker | F.animation | F.location | F.venue | F.poll | F.dice | F.contact | F.game


def attachment_of(message: Message) -> Attachment | None:
    if message.photo:
        p = message.photo[-1]
        return Attachment("photo", p.file_id, p.file_unique_id)
    if message.document:
        d = message.document
        return Attachment("document", d.file_id, d.file_unique_id, d.file_name, d.mime_type)
    if message.voice:
        return Attachment("voice", message.voice.file_id, message.voice.file_unique_id)
    if message.video:
        return Attachment("video", message.video.file_id, message.video.file_unique_id)
    if message.video_note:
        return Attachment("video", message.video_note.file_id, message.video_note.file_unique_id)
    if message.audio:
        a = message.audio
        return Attachment("document", a.file_id, a.file_unique_id, a.file_name, a.mime_type)
    return None


def cb(draft: IntakeDraft, action: str, value: str = "") -> str:
    return IntakeCb(intake=draft.intake, action=action, value=value).pack()


# --- starting ---------------------------------------------------------------------------


async def start_intake(state: FSMContext, clock: Clock) -> IntakeDraft:
    draft = IntakeDraft(intake=uuid.uuid4().hex[:12], started=clock.now())
    await state.set_state(Intake.describe)
    await draft.save(state)
    return draft


NEW_REQUEST_PROMPT = N_(
    "Describe what happened or what you need, in your own words. "
    "You can attach a photo or a screenshot."
)


async def begin(message: Message, state: FSMContext, clock: Clock) -> None:
    """ "New request": ask the person to describe it."""
    await start_intake(state, clock)
    await message.answer(_(NEW_REQUEST_PROMPT), reply_markup=main_keyboard())


async def offer_to_resume(message: Message, state: FSMContext) -> None:
    """One intake at a time: "New request" during one offers to continue or start over."""
    draft = await IntakeDraft.load(state)
    await message.answer(
        _("You have a request that is not sent yet. Continue it, or start over?"),
        reply_markup=inline(
            [(_("Continue"), cb(draft, "resume")), (_("Start over"), cb(draft, "restart"))]
        ),
    )


async def start_with(
    message: Message | Pressed,
    state: FSMContext,
    clock: Clock,
    description: str,
    attachments: Sequence[Attachment],
    *,
    note: str = "",
    asker: Asker | None = None,
) -> None:
    """A new intake from what the person already wrote (and sent): the description and
    files are there, the questions follow (below `note`, when there is one); with `asker`,
    the articles that may solve it first."""
    draft = await start_intake(state, clock)
    draft.attachments = list(attachments[:MAX_FILES])
    # The person's own message, unless a button (on the bot's message) brought it here.
    written = message if isinstance(message, Message) else None
    # The album's other files come without a word.
    draft.album = written.media_group_id if written is not None else None
    description = description.strip()
    if description and not has_words(description):
        description = ""  # "👍" describes nothing
    if description and len(description) <= intake.MAX_DESCRIPTION_LENGTH:
        draft.description = description
        draft.desc_message_id = written.message_id if written is not None else None
    elif description:
        await draft.save(state)
        await say_too_long(message)
        return
    await draft.save(state)
    if draft.description:
        await offer_or_ask_kind(message, state, draft, asker, note=note)
    elif attachments:
        await ask_for_words(message, draft)
    else:
        await message.answer(_(NEW_REQUEST_PROMPT), reply_markup=main_keyboard())


# --- the description and files ------------------------------------------------------------


async def say_too_long(message: Message | Pressed) -> None:
    await message.answer(
        _(
            "That is too long for one request (at most {limit} characters). Please make it shorter."
        ).format(limit=number(intake.MAX_DESCRIPTION_LENGTH, get_i18n().current_locale))
    )


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


async def offer_or_ask_kind(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    asker: Asker | None,
    **kw: str,
) -> None:
    """A known fix first, if there is one (handlers/client/self_help.py, which imports this
    module: imported here when used), then the kind question."""
    from handlers.client import self_help

    await self_help.offer_or_ask_kind(message, state, draft, asker, **kw)


async def take_description(
    message: Message, state: FSMContext, draft: IntakeDraft, asker: Asker | None = None
) -> None:
    text = (message.text or "").strip()
    if not has_words(text):
        await message.answer(_("The message is empty. Please describe the problem in words."))
        return
    if len(text) > intake.MAX_DESCRIPTION_LENGTH:
        await say_too_long(message)
        return
    draft.description = text
    draft.desc_message_id = message.message_id
    await draft.save(state)
    await offer_or_ask_kind(message, state, draft, asker)


@router.message(Intake.describe, F.text, ~F.text.startswith("/"))
async def description_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    outage_rule: OutageRule,
) -> None:
    """The description after "New request", or after files were sent first."""
    from handlers.client.self_help import Asker

    draft = await IntakeDraft.load(state)
    if is_bare_cancel(message.text or ""):  # "отмена" after a voice note is no description
        await state.clear()
        await message.answer(_("Cancelled. Nothing was sent."), reply_markup=main_keyboard())
        return
    if draft.description:
        await add_to_description(message, state, draft, actor, clock)
        return
    text = (message.text or "").strip()
    if await outages.offer(message, state, actor, uow, clock, outage_rule, text, draft.attachments):
        return  # an open mass outage: they may join it with one tap
    await take_description(message, state, draft, Asker(actor, uow, clock, notifier))


async def take_file(message: Message, state: FSMContext, draft: IntakeDraft) -> None:
    """Keep the file; with a caption and no description yet, the caption describes it."""
    attachment = attachment_of(message)
    assert attachment is not None
    draft.attachments.append(attachment)
    caption = (message.caption or "").strip()
    if caption and not draft.description:
        draft.description = caption[: intake.MAX_DESCRIPTION_LENGTH]
        draft.desc_message_id = message.message_id
    group = message.media_group_id
    first_of_album = group is None or group != draft.album
    draft.album = group
    await draft.save(state)
    if not first_of_album:
        return  # one answer per album, not one per picture
    if await state.get_state() != Intake.describe.state:
        await message.answer(_("📎 Attached: it will go with the request."))
        return
    if draft.description:
        await ask_kind(message, state, draft)
        return
    await ask_for_words(message, draft)


async def ask_for_words(message: Message | Pressed, draft: IntakeDraft) -> None:
    await message.answer(
        _(
            "Got the file. Now tell me in a few words what happened, send more files, "
            "or press «Done»."
        ),
        reply_markup=inline(
            [(_("Done"), cb(draft, "done"))], back_cancel_row(None, cb(draft, "cancel"))
        ),
    )


@router.message(StateFilter(Intake), MEDIA)
async def file_during_intake(message: Message, state: FSMContext) -> None:
    """Files are welcome at any step before sending."""
    draft = await IntakeDraft.load(state)
    if len(draft.attachments) >= MAX_FILES:
        await message.answer(_("That is enough files for one request (20)."))
        return
    await take_file(message, state, draft)


@router.callback_query(Intake.describe, IntakeCb.filter(F.action == "done"))
async def files_done(query: CallbackQuery, callback_data: IntakeCb, state: FSMContext) -> None:
    """ "Done" with the files: go on without a description in words."""
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await ask_kind(Pressed(query), state, draft, edit=True)
    await query.answer()


async def add_to_description(
    message: Message, state: FSMContext, draft: IntakeDraft, actor: Actor, clock: Clock
) -> None:
    """Text sent in the middle of the questions adds to the description (long texts arrive
    in several messages)."""
    text = (message.text or "").strip()
    if not text:
        await message.answer(_("The message is empty."))
        return
    combined = f"{draft.description}\n{text}".strip()
    if len(combined) > intake.MAX_DESCRIPTION_LENGTH:
        await message.answer(
            _(
                "The description would be too long (at most {limit} characters); "
                "this part was not added."
            ).format(limit=number(intake.MAX_DESCRIPTION_LENGTH, get_i18n().current_locale))
        )
        return
    draft.description = combined
    await draft.save(state)
    if await state.get_state() == Intake.summary.state:
        await show_summary(message, state, draft, actor=actor, clock=clock)
        return
    if await state.get_state() == Intake.emergency.state:
        note = _("Added to the description.")
        await ask_emergency(message, state, draft, actor=actor, clock=clock, edit=False, note=note)
        return
    await repeat_question(message, state, draft, note=_("Added to the description."))


async def repeat_question(
    message: Message | Pressed, state: FSMContext, draft: IntakeDraft, *, note: str
) -> None:
    """The question again, below what the person wrote, with `note` above it; the earlier
    copy loses its buttons."""
    step = await state.get_state()
    if step == Intake.kind.state:
        await ask_kind(message, state, draft, note=note)
    elif step == Intake.topic.state:
        await ask_topic(message, state, draft, edit=False, note=note)
    elif step == Intake.second.state:
        await ask_second(message, state, draft, note=note)
    elif step == Intake.impact.state:
        await ask_impact(message, state, draft, edit=False, note=note)
    elif step == Intake.scope.state:
        await ask_scope(message, state, draft, edit=False, note=note)
    elif step == Intake.request_type.state:
        await ask_request_type(message, state, draft, edit=False, note=note)


QUESTIONS = {
    Intake.topic.state: Question.TOPIC,
    Intake.second.state: Question.SECOND,
    Intake.impact.state: Question.IMPACT,
    Intake.scope.state: Question.SCOPE,
    Intake.request_type.state: Question.REQUEST_TYPE,
    Intake.summary.state: Question.SUMMARY,
    Intake.emergency.state: Question.EMERGENCY,
}


@router.message(
    StateFilter(
        Intake.kind,
        Intake.topic,
        Intake.impact,
        Intake.scope,
        Intake.request_type,
        Intake.summary,
        Intake.emergency,
        Intake.second,
    ),
    F.text,
    ~F.text.startswith("/"),
)
async def text_during_questions(
    message: Message,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """A typed answer to the question ("да", "нет, всё стоит", "только я", "отправить", "тема
    другая", "интернет", "отдельная") works as its button; another problem is asked about;
    anything else adds to the description."""
    draft = await IntakeDraft.load(state)
    step = await state.get_state()
    text = message.text or ""
    question = QUESTIONS.get(step or "") or (Question.KIND_GUESS if draft.guess else Question.KIND)
    answer = read_answer(question, text)
    if answer is None and question is Question.KIND_GUESS:  # "сломалось" to "верно?"
        answer = read_answer(Question.KIND, text)
    instead = topic_instead(text, draft.category) if question is Question.KIND_GUESS else None
    corrected = correction(step or "", draft, text) if answer is None else None
    anew = described_anew(text) if question not in (Question.SECOND, Question.TOPIC) else None
    if anew is not None and (corrected is not None or meant_as_an_answer(anew)):
        anew = None  # "нет, не то, весь офис": an answer corrected, not a description
    if anew is not None and len(anew) <= intake.MAX_DESCRIPTION_LENGTH:
        # "ой нет не то, у меня вообще компьютер не включается": the description it is; the
        # questions start again from what it is
        draft.description, draft.topic_fixed = anew, False
        draft.kind = draft.impact = draft.scope = draft.request_type = None
        await draft.save(state)
        await ask_kind(message, state, draft, note=_("I replaced the description."))
    elif instead is not None:  # "нет, это сканер, а не принтер": the topic it is
        await take_topic(message, state, draft, instead, edit=False)
    elif isinstance(corrected, WorkImpact):  # "ой нет, работать могу" after «Работа стоит»
        draft.impact = corrected
        await draft.save(state)
        if step == Intake.summary.state:
            await show_summary(message, state, draft, actor=actor, clock=clock)
        else:
            note = _("I changed your answer to «Can you work now?».")
            await ask_scope(message, state, draft, edit=False, note=note)
    elif isinstance(corrected, Scope):  # "ой, нет, весь офис" on the summary
        draft.scope = corrected
        await draft.save(state)
        await show_summary(message, state, draft, actor=actor, clock=clock)
    elif answer is Reply.CANCEL:
        await state.clear()
        await message.answer(_("Cancelled. Nothing was sent."), reply_markup=main_keyboard())
    elif question is Question.TOPIC:
        if isinstance(answer, Category):
            await take_topic(message, state, draft, answer, edit=False)
        else:
            note = _("I did not recognise the topic. Please choose it below.")
            await ask_topic(message, state, draft, edit=False, note=note)
    elif question is Question.SECOND:
        earlier = read_answer(question_at(draft.extra_step, draft), text)
        if answer is Reply.SEPARATE or (answer is Reply.ADD and earlier is None):
            separate = answer is Reply.SEPARATE
            await place_extra(message, state, draft, actor, uow, clock, notifier, separate=separate)
        elif earlier is not None:
            # They went on answering the question before it ("нет" to "Можете работать?"):
            # the other problem joins this request's description (nothing lost, nothing
            # registered twice), and the answer counts.
            await keep_extra_and_go_on(message, state, draft, actor, uow, clock, notifier)
        else:
            if gist_of(text) is Gist.CONTENT and "?" not in text:  # more of it: kept with it
                draft.extra = f"{draft.extra}\n{text.strip()}"
            note = _("Please choose below: add it to this request, or make it a separate one.")
            await ask_second(message, state, draft, note=note)
    elif answer is None and question is Question.KIND and bare_yes_or_no(text):
        # "нет" to "Что у вас?" describes nothing: the question again, the text not added
        await repeat_question(message, state, draft, note=_("Please choose one of the two."))
    elif answer is None and says_nothing_to_keep(text):
        # "спасибо", "ок", "?" between the questions describe nothing
        await not_understood(message, state, draft, actor=actor, clock=clock)
    elif (
        answer is WorkImpact.NOT_HINDERED
        and bare_yes_or_no(text)
        and work_stopped_in(draft.description)
    ):  # "да" to "Можете сейчас работать?" after "никто не может работать"
        note = _("You wrote that work has stopped. Please choose below whether you can work now.")
        await repeat_question(message, state, draft, note=note)
    elif answer is None:
        from handlers.client import questions  # it imports this module
        from handlers.client.self_help import Asker

        if await questions.answer_aside(message, Asker(actor, uow, clock, notifier)):
            note = _("Now back to your request: it is not sent yet.")
            await resume_questions(message, state, draft, actor=actor, clock=clock, note=note)
        elif another_problem(text, draft.category, draft.kind or draft.guess):
            draft.extra, draft.extra_step = text.strip(), step or ""
            await ask_second(message, state, draft)
        elif meant_as_an_answer(text):  # "весь офис" to "Можете работать?": not described
            await not_understood(message, state, draft, actor=actor, clock=clock)
        else:
            await add_to_description(message, state, draft, actor, clock)
    elif isinstance(answer, TicketKind):
        await take_kind(message, state, draft, answer, edit=False)
    elif answer is Reply.TOPIC:
        await ask_topic(message, state, draft, edit=False)
    elif question is Question.KIND_GUESS and answer is Reply.NO:
        await guess_wrong(message, state, draft, edit=False)
    elif question is Question.KIND_GUESS:
        assert draft.guess is not None
        await take_kind(message, state, draft, draft.guess, edit=False)
    elif isinstance(answer, WorkImpact):
        await take_impact(message, state, draft, answer, edit=False)
    elif isinstance(answer, Scope | RequestType):
        if isinstance(answer, Scope):
            draft.scope = answer
        else:
            draft.request_type = answer
        await draft.save(state)
        await show_summary(message, state, draft, actor=actor, clock=clock)
    elif question is Question.SUMMARY and answer in (Reply.NO, Reply.EMERGENCY):
        await summary_choice_typed(
            message, state, draft, actor, uow, clock, notifier, call=answer is Reply.EMERGENCY
        )
    elif question is Question.EMERGENCY:  # "да" calls now, "нет" / "подождёт" waits
        await send_typed(
            message,
            state,
            draft,
            actor,
            uow,
            clock,
            notifier,
            emergency=answer is Reply.YES,
            waits=answer is Reply.NO,
        )
    elif actor.client is not None and needs_confirmation(
        actor.client, draft.ticket_draft().priority, at=clock.now()
    ):  # "отправить" on the summary of a call that would be billed: confirm it first
        await ask_emergency(message, state, draft, actor=actor, clock=clock, edit=False)
    else:  # "отправить" on the summary
        await send_typed(message, state, draft, actor, uow, clock, notifier)


def correction(step: str, draft: IntakeDraft, text: str) -> WorkImpact | Scope | None:
    """A new answer to a question answered before this step, typed as a correction ("ой
    нет, работать могу, просто неудобно" after «Нет, работа стоит»), or None."""
    earlier: tuple[Question, ...] = ()
    if step == Intake.scope.state:
        earlier = (Question.IMPACT,)
    elif step == Intake.summary.state and draft.kind is TicketKind.INCIDENT:
        earlier = (Question.IMPACT, Question.SCOPE)
    for asked in earlier:
        answer = correction_of(asked, text)
        if isinstance(answer, WorkImpact | Scope):
            return answer
    return None


def question_at(step: str, draft: IntakeDraft) -> Question:
    """The question asked at an intake's step."""
    return QUESTIONS.get(step) or (Question.KIND_GUESS if draft.guess else Question.KIND)


async def keep_extra_and_go_on(
    message: Message,
    state: FSMContext,
    draft: IntakeDraft,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """The other problem, left unplaced, joins the description; the message is read again as
    an answer to the question that was asked before it."""
    text, step = draft.extra, draft.extra_step or Intake.kind.state
    draft.extra, draft.extra_step = "", ""
    combined = f"{draft.description}\n{text}".strip()
    if len(combined) <= intake.MAX_DESCRIPTION_LENGTH:
        draft.description = combined
        await message.answer(
            _("Added to the description: «{text}».").format(text=escape(shortened(text)))
        )
    await state.set_state(step)
    await draft.save(state)
    await text_during_questions(message, state, actor, uow, clock, notifier)


def shortened(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


async def not_understood(
    message: Message, state: FSMContext, draft: IntakeDraft, *, actor: Actor, clock: Clock
) -> None:
    """A few words that answer nothing: said so, and the question again; nothing is added
    to the description, and nothing is sent."""
    step = await state.get_state()
    if step == Intake.summary.state:
        note = _("Your request is not sent yet: please choose below what to do with it.")
    elif step == Intake.emergency.state:
        note = _("I did not understand the answer; nobody is called yet.")
    elif gist_of(message.text or "") in (Gist.STATUS, Gist.WHAT):
        # "ну что там?" about this very request: it has not gone anywhere yet
        note = _("This request is not sent yet: answer the question below, and I will send it.")
    else:
        note = _("I did not understand the answer. Please choose an option below.")
    await resume_questions(message, state, draft, actor=actor, clock=clock, note=note)


async def resume_questions(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    *,
    actor: Actor,
    clock: Clock,
    note: str,
) -> None:
    """The question the request is at, again, with `note` above it."""
    step = await state.get_state()
    if step == Intake.summary.state:
        await show_summary(message, state, draft, actor=actor, clock=clock, note=note)
    elif step == Intake.emergency.state:
        await ask_emergency(message, state, draft, actor=actor, clock=clock, edit=False, note=note)
    else:
        await repeat_question(message, state, draft, note=note)


async def summary_choice_typed(
    message: Message,
    state: FSMContext,
    draft: IntakeDraft,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    *,
    call: bool,
) -> None:
    """ "Это авария" or "подождёт до утра" typed on an after-hours summary, as its buttons;
    in working hours neither is a choice, and the summary is shown again."""
    assert actor.client is not None
    now, priority = clock.now(), draft.ticket_draft().priority
    confirm = needs_confirmation(actor.client, priority, at=now)
    if not (confirm or may_ask_for_help_now(actor.client, priority, at=now)):
        await not_understood(message, state, draft, actor=actor, clock=clock)
    elif call:
        await ask_emergency(message, state, draft, actor=actor, clock=clock, edit=False)
    else:
        await send_typed(message, state, draft, actor, uow, clock, notifier, waits=confirm)


def bare_yes_or_no(text: str) -> bool:
    """ "да", "нет": an answer to a question that was not asked."""
    return read_answer(Question.KIND_GUESS, text) in (Reply.YES, Reply.NO) and len(text) <= 12


async def send_typed(
    message: Message,
    state: FSMContext,
    draft: IntakeDraft,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    *,
    emergency: bool = False,
    waits: bool = False,
) -> None:
    """A typed choice that sends the request, as its button would: "отправить" on the
    summary, "да" (a call) or "подождёт до утра" (no call) after hours."""
    outcome = await register(
        state,
        draft,
        actor,
        uow,
        clock,
        notifier,
        emergency=emergency,
        waits=waits,
        on_error=lambda exc: message.answer(exc.message),
    )
    if outcome is not None:
        await retire_question(message, draft)
        await announce(message, outcome, actor, uow, clock)
        await start_queued(message, state, clock, draft)


async def retire_question(message: Message, draft: IntakeDraft) -> None:
    """The card answered by typing loses its buttons, as a pressed one does."""
    if draft.question_id is not None and message.bot is not None:
        with contextlib.suppress(TelegramBadRequest):  # too old to edit, or deleted
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=draft.question_id, reply_markup=None
            )


@router.edited_message(StateFilter(Intake), F.text | F.caption)
async def description_edited(
    message: Message, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    """Editing the description message before sending updates the description."""
    draft = await IntakeDraft.load(state)
    if message.message_id != draft.desc_message_id:
        return
    text = (message.text or message.caption or "").strip()
    if not text or len(text) > intake.MAX_DESCRIPTION_LENGTH:
        return
    draft.description = text
    await draft.save(state)
    await message.answer(_("Updated the description."))
    if await state.get_state() in (Intake.summary.state, Intake.emergency.state):
        await show_summary(message, state, draft, actor=actor, clock=clock)


# --- another problem typed in the middle ---------------------------------------------------


async def ask_second(
    message: Message | Pressed, state: FSMContext, draft: IntakeDraft, *, note: str = ""
) -> None:
    """ "Добавить к этой заявке или это отдельная?" about the text kept in `draft.extra`."""
    await state.set_state(Intake.second)
    await draft.save(state)
    quoted = draft.extra if len(draft.extra) <= 200 else draft.extra[:200] + "…"
    await say(
        message,
        draft,
        _(
            "This sounds like another problem:\n«{text}»\n\nAdd it to this request, or is it a "
            "separate one?"
        ).format(text=escape(quoted)),
        inline(
            [(_("Add to this request"), cb(draft, "second", "add"))],
            [(_("A separate request"), cb(draft, "second", "separate"))],
        ),
        edit=False,
        state=state,
        note=note,
    )


@router.callback_query(Intake.second, IntakeCb.filter(F.action == "second"))
async def second_placed(
    query: CallbackQuery,
    callback_data: IntakeCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await query.answer()
    pressed = Pressed(query)
    await pressed.drop_buttons()
    await place_extra(
        pressed,
        state,
        draft,
        actor,
        uow,
        clock,
        notifier,
        separate=callback_data.value == "separate",
    )


async def place_extra(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    *,
    separate: bool,
) -> None:
    """Added: it joins the description and the interrupted question comes back. Separate:
    on the summary the first request is registered at once and the second begins; earlier,
    the first one's questions go on and the second begins when it is sent."""
    text, step = draft.extra, draft.extra_step or Intake.kind.state
    draft.extra, draft.extra_step = "", ""
    await state.set_state(step)
    if not separate:
        combined = f"{draft.description}\n{text}".strip()
        note = _("Added to the description.")
        if len(combined) > intake.MAX_DESCRIPTION_LENGTH:
            note = _(
                "The description would be too long (at most {limit} characters); "
                "this part was not added."
            ).format(limit=intake.MAX_DESCRIPTION_LENGTH)
        else:
            draft.description = combined
        await draft.save(state)
        if step == Intake.summary.state:
            await show_summary(message, state, draft, actor=actor, clock=clock)
        else:
            await repeat_question(message, state, draft, note=note)
        return
    if step == Intake.summary.state:
        if actor.client is not None and needs_confirmation(
            actor.client, draft.ticket_draft().priority, at=clock.now()
        ):  # sending it would call someone at night: that is asked first, the second waits
            draft.queued = f"{draft.queued}\n{text}".strip()
            await draft.save(state)
            await ask_emergency(message, state, draft, actor=actor, clock=clock, edit=False)
            return
        outcome = await register(
            state,
            draft,
            actor,
            uow,
            clock,
            notifier,
            emergency=False,
            on_error=lambda exc: message.answer(exc.message),
        )
        if outcome is not None:
            await announce(message, outcome, actor, uow, clock)
            await start_separate(message, state, clock, text)
        return
    draft.queued = f"{draft.queued}\n{text}".strip()
    await draft.save(state)
    await repeat_question(
        message,
        state,
        draft,
        note=_("Fine: it will be a separate request, right after this one is sent."),
    )


# --- the questions --------------------------------------------------------------------------


async def ask_kind(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    *,
    edit: bool = False,
    note: str = "",
) -> None:
    if not draft.attachments and not draft.asked_what and not says_what(draft.description):
        await ask_what_happened(message, state, draft, edit=edit)
        return
    result = classify(draft.description)
    if not draft.topic_fixed:  # a topic the person chose stays
        draft.category = topic_of(draft.description)
    await state.set_state(Intake.kind)
    # What the classification is sure of now; a guess from an earlier description goes.
    draft.guess = result.kind if result.is_confident else None
    await draft.save(state)
    if result.is_confident:
        text = (
            _("Looks like something is broken.")
            if result.kind is TicketKind.INCIDENT
            else _("Looks like you need help or a change.")
        )
        if draft.category is not Category.OTHER:
            topic = stated_topic(draft.category, draft.description)
            text += "\n" + _("Topic: {category}").format(category=topic)
        text += "\n\n" + _("Is that right?")
        other = TicketKind.REQUEST if result.kind is TicketKind.INCIDENT else TicketKind.INCIDENT
        rows = [
            [(_("Yes, right"), cb(draft, "kind", result.kind.value))],
            [(kind_switch_text(other), cb(draft, "kind", other.value))],
        ]
        if draft.category is not Category.OTHER:
            rows.append([(_("The topic is different"), cb(draft, "topics"))])
    else:
        text = _("What is it?")
        rows = [
            [(_("🔧 Something is broken or does not work"), cb(draft, "kind", "incident"))],
            [(_("🙋 I need help, a service or a change"), cb(draft, "kind", "request"))],
        ]
    rows.append(back_cancel_row(None, cb(draft, "cancel")))
    await say(message, draft, text, inline(*rows), edit=edit, state=state, note=note)


def kind_switch_text(kind: TicketKind) -> str:
    """The button that corrects the kind guessed (the other one is `kind`)."""
    if kind is TicketKind.INCIDENT:
        return _("It is not a request: something is broken")
    return _("It is not a breakdown but a request")


WHAT_HAPPENED = N_(
    "What happened? Describe it in a few words, for example: «the printer does not print» "
    "or «please install a program»."
)


async def ask_what_happened(
    message: Message | Pressed, state: FSMContext, draft: IntakeDraft, *, edit: bool
) -> None:
    """ "Помогите", "срочно", "не работает" name nothing: ask what is wrong, once, before
    anything is guessed; the next words describe it."""
    draft.asked_what = True
    draft.description, draft.desc_message_id = "", None
    await state.set_state(Intake.describe)
    await draft.save(state)
    await say(
        message,
        draft,
        _(WHAT_HAPPENED),
        inline(back_cancel_row(None, cb(draft, "cancel"))),
        edit=edit,
        state=state,
    )


async def guess_wrong(
    message: Message | Pressed, state: FSMContext, draft: IntakeDraft, *, edit: bool
) -> None:
    """ "Нет" to what was understood: with a topic stated, ask which part is wrong (the kind
    or the topic); without one, the kind was wrong."""
    assert draft.guess is not None
    other = TicketKind.REQUEST if draft.guess is TicketKind.INCIDENT else TicketKind.INCIDENT
    if draft.category is Category.OTHER:
        await take_kind(message, state, draft, other, edit=edit)
        return
    await state.set_state(Intake.kind)
    await say(
        message,
        draft,
        _("What is not right: what happened, or the topic?"),
        inline(
            [(kind_switch_text(other), cb(draft, "kind", other.value))],
            [(_("The topic is different"), cb(draft, "topics"))],
            back_cancel_row(cb(draft, "back", "kind"), cb(draft, "cancel")),
        ),
        edit=edit,
        state=state,
    )


TOPICS = (
    Category.PRINTER,
    Category.ONE_C,
    Category.EMAIL,
    Category.INTERNET_NETWORK,
    Category.COMPUTER_HARDWARE,
    Category.ACCOUNTS_ACCESS,
    Category.SOFTWARE,
    Category.PHONE,
    Category.SERVER,
    Category.NEW_WORKPLACE_PURCHASE,
    Category.OTHER,
)


async def ask_topic(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    *,
    edit: bool = True,
    note: str = "",
) -> None:
    """The topics as buttons (typing one works too: "интернет", "это про почту")."""
    await state.set_state(Intake.topic)
    buttons = [(upper_first(category_name(c)), cb(draft, "topic", c.value)) for c in TOPICS]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await say(
        message,
        draft,
        _("What is it about? Choose the topic or type it."),
        inline(*rows, back_cancel_row(cb(draft, "back", "kind"), cb(draft, "cancel"))),
        edit=edit,
        state=state,
        note=note,
    )


def upper_first(text: str) -> str:
    """ "принтер" → "Принтер" on a button; "1С" stays "1С"."""
    return text[:1].upper() + text[1:]


@router.callback_query(Intake.kind, IntakeCb.filter(F.action == "topics"))
async def topics_asked(query: CallbackQuery, callback_data: IntakeCb, state: FSMContext) -> None:
    """ "Тема другая": the topics to choose from."""
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await query.answer()
    await ask_topic(Pressed(query), state, draft)


@router.callback_query(Intake.topic, IntakeCb.filter(F.action == "topic"))
async def topic_chosen(query: CallbackQuery, callback_data: IntakeCb, state: FSMContext) -> None:
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    try:
        category = Category(callback_data.value)
    except ValueError:  # a forged button
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    await query.answer()
    await take_topic(Pressed(query), state, draft, category, edit=True)


async def take_topic(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    category: Category,
    *,
    edit: bool,
) -> None:
    """The topic is the person's; what happened is what was understood (Back corrects it),
    or asked when nothing was."""
    draft.category, draft.topic_fixed = category, True
    await draft.save(state)
    note = _("Topic: {category}").format(category=stated_topic(category, draft.description))
    if draft.guess is None:
        await state.set_state(Intake.kind)
        await ask_kind(message, state, draft, edit=edit, note=note)
        return
    await take_kind(message, state, draft, draft.guess, edit=edit, note=note)


async def say(
    message: Message | Pressed,
    draft: IntakeDraft,
    text: str,
    markup: Any,
    *,
    edit: bool,
    state: FSMContext,
    note: str = "",
    replaced: str = "",
) -> None:
    """Ask a question of the intake: in place of the last one (a pressed button's message),
    or as a new message, and then the earlier question loses its buttons: one live question
    (its buttons, if Telegram kept them, are refused: `current`). A `note` ("Added to the
    description.") goes above the question, in the same message; `replaced` is what the
    earlier message says instead, when what it showed is no longer true (a summary card)."""
    if note:
        text = f"{note}\n\n{text}"
    if GROUP_REPLY.get() is not None and draft.question_id is None:
        # In a client's group the bot reads only what is said to it (domain/group_chat.py):
        # the first question says how to answer, once.
        text += "\n\n" + _(
            "In the group I read only what is said to me: press a button, or answer with "
            "a reply to my message («Reply»)."
        )
    if edit and isinstance(message, Pressed):
        await message.edit_text(text, reply_markup=markup)
        if draft.question_id != message.message_id:
            draft.question_id = message.message_id
            await draft.save(state)
        return
    earlier = draft.question_id
    sent = await message.answer(text, reply_markup=markup)
    draft.question_id = sent.message_id
    await draft.save(state)
    if earlier is not None and message.bot is not None:
        with contextlib.suppress(TelegramBadRequest):  # too old to edit, or deleted
            if replaced:
                await message.bot.edit_message_text(
                    text=replaced, chat_id=message.chat.id, message_id=earlier, reply_markup=None
                )
            else:
                await message.bot.edit_message_reply_markup(
                    chat_id=message.chat.id, message_id=earlier, reply_markup=None
                )


@router.callback_query(Intake.kind, IntakeCb.filter(F.action == "kind"))
async def kind_chosen(query: CallbackQuery, callback_data: IntakeCb, state: FSMContext) -> None:
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await take_kind(Pressed(query), state, draft, TicketKind(callback_data.value), edit=True)
    await query.answer()


async def take_kind(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    kind: TicketKind,
    *,
    edit: bool,
    note: str = "",
) -> None:
    draft.kind = kind
    draft.impact = draft.scope = draft.request_type = None  # the other kind's answers go
    await draft.save(state)
    if kind is TicketKind.INCIDENT:
        await ask_impact(message, state, draft, edit=edit, note=note)
    else:
        await ask_request_type(message, state, draft, edit=edit, note=note)


async def ask_impact(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    *,
    edit: bool = True,
    note: str = "",
) -> None:
    await state.set_state(Intake.impact)
    await say(
        message,
        draft,
        _("Can you work right now?"),
        inline(
            [(_("Yes, it does not get in the way"), cb(draft, "impact", WorkImpact.NOT_HINDERED))],
            [(_("Yes, but it is hard or slow"), cb(draft, "impact", WorkImpact.HAMPERED))],
            [(_("No, work has stopped"), cb(draft, "impact", WorkImpact.BLOCKED))],
            back_cancel_row(cb(draft, "back", "kind"), cb(draft, "cancel")),
        ),
        edit=edit,
        state=state,
        note=note,
    )


@router.callback_query(Intake.impact, IntakeCb.filter(F.action == "impact"))
async def impact_chosen(query: CallbackQuery, callback_data: IntakeCb, state: FSMContext) -> None:
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await query.answer()
    await take_impact(Pressed(query), state, draft, WorkImpact(callback_data.value), edit=True)


async def take_impact(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    impact: WorkImpact,
    *,
    edit: bool,
) -> None:
    draft.impact = impact
    await draft.save(state)
    await ask_scope(message, state, draft, edit=edit)


async def ask_scope(
    message: Message | Pressed, state: FSMContext, draft: IntakeDraft, *, edit: bool, note: str = ""
) -> None:
    await state.set_state(Intake.scope)
    await say(
        message,
        draft,
        _("Who is affected?"),
        inline(
            [(_("Only me"), cb(draft, "scope", Scope.ME))],
            [(_("Several colleagues"), cb(draft, "scope", Scope.SEVERAL))],
            [(_("The whole office"), cb(draft, "scope", Scope.COMPANY))],
            back_cancel_row(cb(draft, "back", "impact"), cb(draft, "cancel")),
        ),
        edit=edit,
        state=state,
        note=note,
    )


@router.callback_query(Intake.scope, IntakeCb.filter(F.action == "scope"))
async def scope_chosen(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    draft.scope = Scope(callback_data.value)
    await draft.save(state)
    await show_summary(Pressed(query), state, draft, actor=actor, clock=clock, edit=True)
    await query.answer()


async def ask_request_type(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    *,
    edit: bool = True,
    note: str = "",
) -> None:
    await state.set_state(Intake.request_type)
    await say(
        message,
        draft,
        _("What kind of request is it?"),
        inline(
            [
                (
                    _("Help, a consultation or a routine task"),
                    cb(draft, "rtype", RequestType.SERVICE),
                )
            ],
            [(_("Something new or different, a purchase"), cb(draft, "rtype", RequestType.CHANGE))],
            back_cancel_row(cb(draft, "back", "kind"), cb(draft, "cancel")),
        ),
        edit=edit,
        state=state,
        note=note,
    )


@router.callback_query(Intake.request_type, IntakeCb.filter(F.action == "rtype"))
async def request_type_chosen(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    draft.request_type = RequestType(callback_data.value)
    await draft.save(state)
    await show_summary(Pressed(query), state, draft, actor=actor, clock=clock, edit=True)
    await query.answer()


@router.callback_query(StateFilter(Intake), IntakeCb.filter(F.action == "back"))
async def go_back(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    """Back one step; the answers given so far are kept until changed."""
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await query.answer()
    message = Pressed(query)
    target = callback_data.value
    if target == "kind":
        await ask_kind(message, state, draft, edit=True)
    elif target == "impact":
        await ask_impact(message, state, draft)
    elif target == "summary":
        await show_summary(message, state, draft, actor=actor, clock=clock, edit=True)
    elif target == "questions":
        if draft.kind is TicketKind.INCIDENT:
            await ask_impact(message, state, draft)
        else:
            await ask_request_type(message, state, draft)


# --- the summary and sending ------------------------------------------------------------------


def priority_words(priority: Priority, request_type: RequestType | None = None) -> str:
    """The priority and why, as the employee's answers gave it: an incident's by how it
    hinders work, a request's by what is asked for (help, or something new)."""
    if request_type is RequestType.SERVICE:
        return _("standard — help or a routine task")
    if request_type is RequestType.CHANGE:
        return _("low — something new, a change or a purchase")
    return {
        Priority.LOW: _("low — it does not stop your work"),
        Priority.STANDARD: _("standard — it makes work harder"),
        Priority.HIGH: _("high — you cannot work"),
        Priority.HIGHEST: _("highest — several people or the whole office cannot work"),
    }[priority]


async def show_summary(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    *,
    actor: Actor,
    clock: Clock,
    edit: bool = False,
    note: str = "",
) -> None:
    """The card: what, kind, topic, priority in plain words, and honest deadlines. A card
    shown anew (the description changed) replaces the earlier one, which says so."""
    earlier_was_summary = await state.get_state() in (
        Intake.summary.state,
        Intake.editing.state,
        Intake.second.state,
    )
    await state.set_state(Intake.summary)
    now = clock.now()
    assert actor.client is not None
    text = summary_text(draft, actor.client, now, get_i18n().current_locale)
    priority = draft.ticket_draft().priority
    emergency_row = [(_("🚨 It's an emergency, I need help now"), cb(draft, "send", "emergency"))]
    if needs_confirmation(actor.client, priority, at=now):
        # Sending would be billable by itself: the person chooses, and confirms a call.
        until = waits_until(actor.client, draft, now)
        wait = _("🌙 It can wait {until}").format(until=until)
        rows = [emergency_row, [(wait, cb(draft, "send", "wait"))]]
    else:
        rows = [[(_("✅ Send"), cb(draft, "send"))]]
        if may_ask_for_help_now(actor.client, priority, at=now):
            rows.append(emergency_row)
    markup = inline(
        *rows,
        [(_("✏️ Edit the description"), cb(draft, "edit"))],
        back_cancel_row(cb(draft, "back", "questions"), cb(draft, "cancel")),
    )
    replaced = _("⤵️ The request has changed: its current card is below.")
    await say(
        message,
        draft,
        text,
        markup,
        edit=edit,
        state=state,
        note=note,
        # a card shown again with a note (an answer not understood) changed nothing
        replaced=replaced if earlier_was_summary and not edit and not note else "",
    )


def summary_text(intake_draft: IntakeDraft, client: Any, now: datetime, locale: str) -> str:
    draft = intake_draft.ticket_draft()
    preview = intake.preview_deadlines(client, draft, now)
    description = draft.description or _("(no description, files only)")
    if len(description) > 1500:
        description = description[:1500] + "…"
    lines = [
        _("<b>Your request</b>"),
        "",
        escape(description),
    ]
    if draft.attachments:
        lines.append(_("📎 Files: {n}").format(n=len(draft.attachments)))
    lines += [
        "",
        # the kind in the intake question's own words, not "incident" or "request"
        _("🔧 Something is broken")
        if draft.kind is TicketKind.INCIDENT
        else _("🙋 Help or a change is needed"),
        _("Topic: {category}").format(category=stated_topic(draft.category, draft.description)),
        _("Priority: {priority}").format(
            priority=priority_words(
                preview.priority,
                draft.request_type if draft.kind is TicketKind.REQUEST else None,
            )
        ),
        "",
    ]
    tz = client.timezone
    if preview.after_hours:
        lines.append(
            _("It is outside working hours now; the clock starts {start}.").format(
                start=moment_phrase(preview.clock_starts_at, now, tz, locale)
            )
        )
    call = after_hours_call(client, preview.priority, asked=False, at=now)
    if call is not None and call.emergency:
        lines.append(
            _(
                "Work has stopped: we can call the on-duty engineer now; work outside working "
                "hours is paid separately, beyond the plan. If it can wait {until}, there is "
                "no extra charge."
            ).format(until=until_phrase(preview.clock_starts_at, now, tz, locale))
        )
        lines.append(contract_deadlines(preview.reaction_due, preview.resolution_due, now, tz))
        return "\n".join(lines)
    if call is not None:
        lines.append(
            _(
                "Your company has round-the-clock support: as soon as you send it, "
                "the on-duty engineer is alerted."
            )
        )
    elif may_ask_for_help_now(client, preview.priority, at=now):
        lines.append(
            _(
                "If it cannot wait, press «It's an emergency»: the on-duty engineer is alerted "
                "now. Work outside working hours is paid separately."
            )
        )
    lines.append(deadlines_text(preview.reaction_due, preview.resolution_due, now, tz, locale))
    return "\n".join(lines)


def deadlines_text(
    reaction: datetime, resolution: datetime | None, now: datetime, tz: str, locale: str
) -> str:
    """When we answer and fix it; a change request's completion date (None) is agreed
    with the employee later, so no date is made up for it."""
    if resolution is None:
        return _(
            "We will answer by {reaction}. We will agree the completion date with you."
        ).format(reaction=deadline(reaction, now, tz, locale))
    return _("We will answer by {reaction} and fix it by {resolution}.").format(
        reaction=deadline(reaction, now, tz, locale),
        resolution=deadline(resolution, now, tz, locale),
    )


def contract_deadlines(
    reaction: datetime, resolution: datetime | None, now: datetime, tz: str
) -> str:
    """The working-hours deadlines as what they are tonight: the contract's fallback."""
    locale = get_i18n().current_locale
    if resolution is None:
        return _(
            "Under the contract, at the latest: an answer by {reaction}; the completion date "
            "is agreed with you."
        ).format(reaction=deadline(reaction, now, tz, locale))
    return _(
        "Under the contract, at the latest: an answer by {reaction}, a fix by {resolution}."
    ).format(
        reaction=deadline(reaction, now, tz, locale),
        resolution=deadline(resolution, now, tz, locale),
    )


async def ask_emergency(
    message: Message | Pressed,
    state: FSMContext,
    draft: IntakeDraft,
    *,
    actor: Actor,
    clock: Clock,
    edit: bool,
    note: str = "",
) -> None:
    """One more tap before a billable call after hours, with the price rule said again;
    or it waits for the morning at no extra charge. Nothing is paged until then."""
    await state.set_state(Intake.emergency)
    assert actor.client is not None
    now = clock.now()
    preview = intake.preview_deadlines(actor.client, draft.ticket_draft(), now)
    start = moment_phrase(
        preview.clock_starts_at, now, actor.client.timezone, get_i18n().current_locale
    )
    text = (
        _("<b>Call the on-duty engineer now?</b>")
        + "\n"
        + _(
            "Work outside working hours is paid separately, beyond the plan. If it can wait, "
            "your request is taken up {start}, at no extra charge."
        ).format(start=start)
    )
    markup = inline(
        [(_("🚨 Yes, call now"), cb(draft, "send", "confirmed"))],
        [
            (
                _("🌙 No, it can wait {until}").format(until=waits_until(actor.client, draft, now)),
                cb(draft, "send", "wait"),
            )
        ],
        back_cancel_row(cb(draft, "back", "summary"), cb(draft, "cancel")),
    )
    await say(message, draft, text, markup, edit=edit, state=state, note=note)


def waits_until(client: Any, draft: IntakeDraft, now: datetime) -> str:
    """Until when a request left for working hours waits: "until the morning", "until
    Monday", "until 11 January"."""
    preview = intake.preview_deadlines(client, draft.ticket_draft(), now)
    return until_phrase(preview.clock_starts_at, now, client.timezone, get_i18n().current_locale)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@router.callback_query(
    StateFilter(Intake.summary, Intake.emergency), IntakeCb.filter(F.action == "send")
)
async def send(
    query: CallbackQuery,
    callback_data: IntakeCb,
    state: FSMContext,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
) -> None:
    """Register the ticket; the deadlines and the staff's and manager's notices land with it.
    A call after hours that would be billed is confirmed first ("emergency", or "send" of a
    Highest incident); "confirmed" calls, "wait" lets it wait for the morning."""
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    choice = callback_data.value
    assert actor.client is not None
    if choice == "emergency" or (
        choice == ""
        and needs_confirmation(actor.client, draft.ticket_draft().priority, at=clock.now())
    ):
        await ask_emergency(Pressed(query), state, draft, actor=actor, clock=clock, edit=True)
        await query.answer()
        return
    outcome = await register(
        state,
        draft,
        actor,
        uow,
        clock,
        notifier,
        emergency=choice == "confirmed",
        waits=choice == "wait",
        on_error=lambda exc: query.answer(exc.message, show_alert=True),
    )
    if outcome is None:
        return
    await query.answer(_("Sent"))
    pressed = Pressed(query)
    await pressed.drop_buttons()
    await announce(pressed, outcome, actor, uow, clock)
    await start_queued(pressed, state, clock, draft)


async def start_queued(
    message: Message | Pressed, state: FSMContext, clock: Clock, draft: IntakeDraft
) -> None:
    """The separate request the person typed meanwhile begins once this one is registered,
    with their words as its description."""
    if draft.queued:
        await start_separate(message, state, clock, draft.queued)


async def start_separate(
    message: Message | Pressed, state: FSMContext, clock: Clock, text: str
) -> None:
    """The second problem typed during the first request's intake, now a request of its own."""
    text = on_its_own(text)
    quoted = escape(text if len(text) <= 200 else text[:200] + "…")
    note = _("Now the separate request: «{text}».").format(text=quoted)
    await start_with(message, state, clock, text, [], note=note)


async def register(
    state: FSMContext,
    draft: IntakeDraft,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    notifier: Notifier,
    *,
    emergency: bool,
    waits: bool = False,
    on_error: Callable[[DomainError], Awaitable[object]],
) -> Outcome[Ticket] | None:
    """The ticket registered and its notices queued, and the intake over, all committed;
    None after `on_error` said why not (and the intake goes on)."""

    async def opened() -> Outcome[Ticket]:
        outcome = await intake.open_ticket(
            uow,
            clock,
            employee_tg_id=actor.tg_id,
            draft=draft.ticket_draft(emergency=emergency, waits=waits),
            intake_key=draft.intake,
        )
        await note_ticket_opened_here(uow, outcome.value, draft.desc_message_id)
        return outcome

    return await perform(
        opened(),
        uow,
        notifier,
        on_error,
        then=state.clear,
    )


async def announce(
    message: Message | Pressed,
    outcome: Outcome[Ticket],
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    """ "Request №N is registered", the deadlines or who is being called, and what comes next."""
    ticket = outcome.value
    locale = get_i18n().current_locale
    assert actor.client is not None and ticket.reaction_due
    now, tz = clock.now(), actor.client.timezone
    deadlines = deadlines_text(ticket.reaction_due, ticket.resolution_due, now, tz, locale)
    alarm = next((e for e in outcome.events if isinstance(e, ev.AfterHoursAlarm)), None)
    if alarm is None and ticket.after_hours and not ticket.emergency:
        start = actor.client.calendar_for(ticket.priority).next_working_moment(now)
        next_steps = (
            _("Your request will be taken up {start}, when the working day starts.").format(
                start=moment_phrase(start, now, tz, locale)
            )
            + " "
            + deadlines
        )
    elif alarm is None:
        next_steps = deadlines
    else:
        called = await who_is_called(alarm, uow)
        if alarm.emergency:
            # What matters tonight is who is coming; the contract's deadlines start in the
            # morning and are only the fallback.
            manager = actor.client.manager_tg_id in alarm.targets
            next_steps = "\n".join(
                [
                    called + (" " + _("Your personal manager knows too.") if manager else ""),
                    _(
                        "As soon as somebody is on it, I will tell you here who is helping you. "
                        "Work outside working hours is paid separately, beyond the plan."
                    ),
                    contract_deadlines(ticket.reaction_due, ticket.resolution_due, now, tz),
                ]
            )
        else:
            next_steps = (
                _("Your company has round-the-clock support.") + " " + called + "\n" + deadlines
            )
    # An emergency's text already says they will hear here who is helping them.
    closing = (
        "" if alarm is not None and alarm.emergency else _("I will write here about every step.")
    )
    await message.answer(
        _("Request №{number} is registered.").format(number=ticket.number)
        + "\n"
        + next_steps
        + ("\n\n" + closing if closing else ""),
        reply_markup=main_keyboard(),
    )


async def who_is_called(alarm: ev.AfterHoursAlarm, uow: UnitOfWork) -> str:
    """Who was actually paged: the on-duty engineer by name, or whoever stands in for a gap
    in the rota (`domain.paging.responder`)."""
    people = [await uow.staff.get(tg) for tg in alarm.responders]
    found = [p for p in people if p is not None]
    kind = responder(nobody_on_duty=alarm.nobody_on_duty, roles=[p.role for p in found])
    if kind is Responder.DUTY_ENGINEER:
        names = ", ".join(escape(p.name) for p in found)
        return _("🚨 We are calling the on-duty engineer: {names} is on duty now.").format(
            names=names
        )
    if kind is Responder.SHIFT_LEAD:
        return _("🚨 Nobody is on duty at this hour, so we are calling the shift lead.")
    return _("🚨 Nobody is on duty at this hour, so we are calling the heads of support.")


@router.callback_query(IntakeCb.filter(F.action == "send"))
async def send_again(
    query: CallbackQuery, callback_data: IntakeCb, actor: Actor, uow: UnitOfWork
) -> None:
    """A second tap on "send" (or on an old card): say where the ticket is, create nothing."""
    ticket = await uow.tickets.by_intake_key(callback_data.intake)
    if ticket is not None and ticket.employee_id == (actor.employee.id if actor.employee else None):
        await query.answer(
            _("Request №{number} is already registered.").format(number=ticket.number)
        )
        return
    await query.answer(_("This card is out of date."), show_alert=True)


@router.callback_query(Intake.summary, IntakeCb.filter(F.action == "edit"))
async def edit_description(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext
) -> None:
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await state.set_state(Intake.editing)
    await query.answer()
    await Pressed(query).answer(_("Type the new description; it replaces the old one."))


@router.message(Intake.editing, F.text, ~F.text.startswith("/"))
async def description_replaced(
    message: Message, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    draft = await IntakeDraft.load(state)
    text = (message.text or "").strip()
    if not text:
        await message.answer(_("The message is empty. Please describe the problem in words."))
        return
    draft.description = text[: intake.MAX_DESCRIPTION_LENGTH]
    draft.desc_message_id = message.message_id
    if not draft.topic_fixed:  # the topic is the new description's
        draft.category = topic_of(draft.description)
    await draft.save(state)
    await show_summary(message, state, draft, actor=actor, clock=clock)


@router.callback_query(IntakeCb.filter(F.action == "cancel"))
async def cancel_intake(query: CallbackQuery, callback_data: IntakeCb, state: FSMContext) -> None:
    """Cancel drops the unsent request."""
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await state.clear()
    await query.answer()
    await Pressed(query).edit_text(_("Cancelled. Nothing was sent."))


@router.callback_query(IntakeCb.filter(F.action == "resume"))
async def resume(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    """Continue the unsent request where it stopped."""
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await query.answer()
    step = await state.get_state()
    message = Pressed(query)
    if step == Intake.summary.state:
        await show_summary(message, state, draft, actor=actor, clock=clock, edit=True)
    elif step == Intake.emergency.state:
        await ask_emergency(message, state, draft, actor=actor, clock=clock, edit=True)
    elif step in (Intake.impact.state, Intake.scope.state):
        await ask_impact(message, state, draft)
    elif step == Intake.request_type.state:
        await ask_request_type(message, state, draft)
    elif step == Intake.topic.state:
        await ask_topic(message, state, draft)
    elif step == Intake.second.state:
        await ask_second(message, state, draft)
    elif draft.has_content:
        await ask_kind(message, state, draft, edit=True)
    else:
        await message.edit_text(_("Describe what happened or what you need."))


@router.callback_query(IntakeCb.filter(F.action == "restart"))
async def restart(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext, clock: Clock
) -> None:
    """Drop the unsent request and begin a new one."""
    draft = await current(query, callback_data, state)
    if draft is None:
        return
    await query.answer()
    await start_intake(state, clock)
    await Pressed(query).edit_text(_(NEW_REQUEST_PROMPT))


@router.callback_query(IntakeCb.filter())
async def stale_button(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext, actor: Actor, clock: Clock
) -> None:
    """A button of a finished, cancelled or replaced intake; or of the one in progress, on
    a card still showing an earlier question (its edit failed): the question is asked."""
    draft = await IntakeDraft.load(state)
    step = await state.get_state()
    if draft.intake != callback_data.intake or step not in Intake.__all_states_names__:
        await query.answer(_("This card is out of date."), show_alert=True)
        return
    await query.answer()
    message = Pressed(query)
    if step == Intake.summary.state:
        await show_summary(message, state, draft, actor=actor, clock=clock)
    elif step == Intake.emergency.state:
        await ask_emergency(message, state, draft, actor=actor, clock=clock, edit=False)
    else:
        await repeat_question(message, state, draft, note="")


# The buttons of the intake's questions and summary card: they act only from the message
# with the live question (an earlier card, e.g. a summary whose description was replaced,
# would send what it no longer shows). Others (cancel, resume, restart, done) act from
# any message of the intake.
ON_THE_QUESTION = frozenset(
    {"kind", "topics", "topic", "impact", "scope", "rtype", "second", "back", "send", "edit"}
)


async def current(
    query: CallbackQuery, callback_data: IntakeCb, state: FSMContext
) -> IntakeDraft | None:
    """The intake's draft if the button belongs to the intake in progress and to its live
    question; else say it is stale."""
    draft = await IntakeDraft.load(state)
    if draft.intake != callback_data.intake:
        await query.answer(_("This card is out of date."), show_alert=True)
        return None
    pressed_on = query.message.message_id if query.message is not None else None
    if (
        callback_data.action in ON_THE_QUESTION
        and draft.question_id is not None
        and pressed_on != draft.question_id
    ):
        await query.answer(
            _("This card has been replaced: please use the newest one below."), show_alert=True
        )
        return None
    return draft


@router.message(StateFilter(Intake), UNSUITABLE)
@router.message(StateFilter(None), UNSUITABLE & ~F.sticker)
async def unsuitable(message: Message) -> None:
    """Stickers, GIFs, locations, polls: friendly, but they do not describe a problem."""
    await message.answer(
        _(
            "I cannot use this to describe a problem. Please write in words, "
            "or send a photo, a screenshot or a file."
        )
    )
