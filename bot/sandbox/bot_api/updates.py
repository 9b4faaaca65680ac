"""How the bot gets its updates: getMe, getUpdates (long polling, one poll at a time)
and webhooks (setWebhook, deleteWebhook, getWebhookInfo).
"""

from __future__ import annotations

import asyncio
import re

from .. import errors
from ..errors import bad_request
from ..model import JsonDict
from ..payloads import Params
from .core import BotApiCore, Described, MethodHandler


class UpdateMethods(BotApiCore):
    """getMe, logOut, close, getUpdates and the webhook."""

    def update_methods(self) -> dict[str, MethodHandler]:
        return {
            "getMe": self.get_me,
            "logOut": self.no_op,
            "close": self.no_op,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
        }

    async def get_me(self, params: Params) -> JsonDict:
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def no_op(self, params: Params) -> bool:
        return True

    async def get_updates(self, params: Params) -> list[JsonDict]:
        state = self.state
        if state.webhook.url:
            raise errors.conflict(errors.GET_UPDATES_WITH_WEBHOOK)
        offset = params.get_int("offset") or 0
        limit = min(max(params.get_int("limit") or 100, 1), 100)
        timeout = max(params.get_int("timeout") or 0, 0)
        allowed = params.get_json("allowed_updates", error="can't parse allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates")
        state.updates.set_allowed_updates(allowed)
        state.updates.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        state.signal.notify()  # an older parked getUpdates gets terminated
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise errors.conflict(errors.GET_UPDATES_TERMINATED)
            if state.updates.pending:
                batch = [update.to_api() for update in state.updates.peek(limit)]
                self.activity.touch()
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closing or state.webhook.url:
                return []
            self.long_polls_waiting += 1
            state.signal.notify()
            try:
                await state.signal.wait_changed(remaining)
            finally:
                self.long_polls_waiting -= 1

    async def set_webhook(self, params: Params) -> Described:
        url = params.get_str("url") or ""
        if not url:
            return await self._remove_webhook(params)
        if not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        secret = params.get_str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = params.get_int("max_connections") or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = params.get_json("allowed_updates", error="can't parse allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates")
        webhook = self.state.webhook
        changed = (url, secret) != (webhook.url, webhook.secret_token)
        webhook.url = url
        webhook.secret_token = secret
        webhook.max_connections = max_connections
        webhook.ip_address = params.get_str("ip_address")
        webhook.has_custom_certificate = "certificate" in params
        if changed:
            webhook.last_error_date = None
            webhook.last_error_message = None
        self.state.updates.set_allowed_updates(allowed)
        if params.get_bool("drop_pending_updates"):
            self.state.updates.drop_pending()
        self._webhook_changed()
        return Described(True, "Webhook was set" if changed else "Webhook is already set")

    async def delete_webhook(self, params: Params) -> Described:
        return await self._remove_webhook(params)

    async def _remove_webhook(self, params: Params) -> Described:
        webhook = self.state.webhook
        was_set = bool(webhook.url)
        webhook.url = ""
        webhook.secret_token = None
        webhook.last_error_date = None
        webhook.last_error_message = None
        if params.get_bool("drop_pending_updates"):
            self.state.updates.drop_pending()
        self._webhook_changed()
        return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    def _webhook_changed(self) -> None:
        self.state.signal.notify()
        self.on_webhook_changed()

    async def get_webhook_info(self, params: Params) -> JsonDict:
        updates = self.state.updates
        return self.state.webhook.info(len(updates), updates.allowed_updates)
