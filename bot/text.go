package bot

// The one sentence this package says to people.

// PanicReply answers a message whose handler panicked; the stack goes to the
// log, never to the chat.
const PanicReply = "抱歉，处理这条消息时出了点问题，已经记录下来。请稍后再试一次。"
