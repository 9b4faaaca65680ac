"""`frontdesk sandbox` in a terminal: the real bot against the emulator, a demo company's
people each with a screen, and what a typed line does.

- `session`     the sandbox: starting it, a line of input, waiting for the bot
- `personas`    the demo company, its people and the front desk's staff, seeded
- `screens`     a chat as text, and the numbers of its buttons
- `time_moves`  what `/time` understands

The emulator (everything in `bot.sandbox` outside this package) needs nothing of the
bot; this package is where the two meet.
"""
