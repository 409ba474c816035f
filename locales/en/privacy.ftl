# Private chats only (bot/privacy.py): what the bot says in a group, supergroup or channel.

private-chat-only = 🔒 Mahalleyar works only in a private chat, so your affairs stay private; send {$bot} a private message.
