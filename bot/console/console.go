// Package console is the terminal chat: a teacher at the keyboard talks to
// the bot as if in a private chat, and can speak as other people and in
// groups to try a whole school week. Piped input runs as a scenario.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"bangfu/bot"
)

// PlatformName is the console's platform id in the database.
const PlatformName = "console"

// Console is the terminal platform.
type Console struct {
	In          io.Reader
	Out         io.Writer
	Interactive bool // print prompts; otherwise echo each input line
	Now         func() time.Time
	// AfterLine runs after each message (deliver what became due); AtEOF runs
	// when input ends (print everything still to be sent).
	AfterLine func(context.Context)
	AtEOF     func(context.Context)
	// FileDir is where files sent to the terminal (the Excel export) are saved.
	FileDir string

	mu      sync.Mutex
	speaker string
	group   string // "" in the private chat
	seq     int
	started string
}

// New makes a console speaking as the local admin in a private chat.
func New(in io.Reader, out io.Writer, interactive bool) *Console {
	return &Console{In: in, Out: out, Interactive: interactive, Now: time.Now, speaker: LocalAdmin,
		started: strconv.FormatInt(time.Now().UnixNano(), 36)}
}

// Name implements bot.Platform.
func (c *Console) Name() string { return PlatformName }

// PrivateChatID is the id of a person's private chat with the bot.
func PrivateChatID(name string) string { return "dm:" + name }

// GroupChatID is the id of a group chat of that title.
func GroupChatID(title string) string { return "group:" + title }

func (c *Console) chat() bot.Chat {
	if c.group != "" {
		return bot.Chat{ID: GroupChatID(c.group), Kind: bot.Group, Title: c.group}
	}
	return bot.Chat{ID: PrivateChatID(c.speaker), Kind: bot.Private, Title: c.speaker}
}

func chatLabel(ch bot.Chat) string {
	if ch.Kind == bot.Group {
		return groupChatLabel(ch.Title)
	}
	return privateChatLabel(ch.Title)
}

// promptLocked is the prompt of who speaks where; c.mu is held.
func (c *Console) promptLocked() string {
	if c.group != "" {
		return groupPrompt(c.speaker, c.group)
	}
	return privatePrompt(c.speaker)
}

// Run reads lines until EOF or ctx ends, handing each message to handle.
func (c *Console) Run(ctx context.Context, handle func(context.Context, bot.Message)) error {
	lines := make(chan string)
	go func() {
		defer close(lines)
		in := bufio.NewReader(c.In)
		for {
			line, err := readLine(in, maxLineBytes)
			if err != nil && line == "" {
				return
			}
			select {
			case lines <- line:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	if c.Interactive {
		c.print(welcome(LocalAdmin) + "\n")
	}
	for {
		if c.Interactive {
			c.printPrompt("")
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			if c.AtEOF != nil {
				c.AtEOF(ctx)
			}
			return nil
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !c.Interactive {
			c.printPrompt(line + "\n")
		}
		if strings.HasPrefix(line, ":") {
			c.control(line)
			continue
		}
		handle(ctx, c.message(line))
		if c.AfterLine != nil {
			c.AfterLine(ctx)
		}
	}
}

// print writes to the terminal under the lock Send holds: the outbox
// delivers reminders from its own goroutine while a line is echoed.
func (c *Console) print(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprint(c.Out, text)
}

// printPrompt writes the prompt, then text.
func (c *Console) printPrompt(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprint(c.Out, c.promptLocked()+text)
}

func (c *Console) message(text string) bot.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	return bot.Message{
		Platform: PlatformName,
		ID:       c.started + "-" + strconv.Itoa(c.seq),
		Chat:     c.chat(),
		Sender:   bot.User{ID: c.speaker, Name: c.speaker},
		Text:     text,
		Time:     c.Now(),
	}
}

func (c *Console) control(line string) {
	word, arg, _ := strings.Cut(strings.TrimPrefix(line, ":"), " ")
	arg = strings.TrimSpace(arg)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch word {
	case "as":
		if arg == "" {
			fmt.Fprintln(c.Out, asUsage())
			return
		}
		c.speaker, c.group = arg, ""
		fmt.Fprint(c.Out, nowSpeaking(arg))
	case "group":
		if arg == "" {
			fmt.Fprintln(c.Out, groupUsage())
			return
		}
		c.group = arg
		fmt.Fprint(c.Out, nowInGroup(c.speaker, arg))
	case "dm":
		c.group = ""
		fmt.Fprint(c.Out, backToPrivate(c.speaker))
	default:
		fmt.Fprintln(c.Out, helpText)
	}
}

// Send prints a message: a reply in the chat being typed in as "bangfu:",
// anything else (a reminder or a parent's message, even to this chat) with
// its destination and, when it is held for quiet hours, when it goes.
func (c *Console) Send(_ context.Context, out bot.Outgoing) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	text := out.Text
	if out.File != nil {
		text += "\n" + c.saveFile(out.File)
	}
	if len(out.Answers) > 0 {
		text += "\n" + answerButtons(strings.Join(out.Answers, "］［"))
	}
	var head, indent string
	isReply := out.QueueID == 0 || out.ReplyID != 0 // queued messages were not asked for
	if out.Chat.ID == c.chat().ID && isReply {
		// Lines of a reply are printed as they are, so that an invite code
		// stands alone on the last line, ready for `tail -1`.
		head = "bangfu: "
	} else {
		indent = strings.Repeat(" ", 4)
		label := chatLabel(out.Chat)
		if now := c.Now(); out.NotBefore.After(now) {
			label = strings.TrimSuffix(label, "）") + heldUntil(out.NotBefore.Format("01-02 15:04"))
		}
		head = "→ " + label + ": "
	}
	fmt.Fprintln(c.Out, head+strings.ReplaceAll(text, "\n", "\n"+indent))
	return nil
}

// saveFile keeps a file sent to the terminal chat on disk (0600: exports hold
// students' private data) and says where.
func (c *Console) saveFile(f *bot.File) string {
	dir := c.FileDir
	if dir == "" {
		dir = "exports"
	}
	path := filepath.Join(dir, filepath.Base(f.Name))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fileNotSaved(f.Name, len(f.Data))
	}
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		return fileNotSaved(f.Name, len(f.Data))
	}
	return fileSaved(f.Name, len(f.Data), path)
}

// maxLineBytes is what is kept of one typed or pasted line: more than any
// command needs (the handler answers a long one with one line), and a line
// of any length never ends the session.
const maxLineBytes = 64 * 1024

// readLine reads up to the next newline, keeping at most limit bytes (cut at
// a character boundary) and discarding the rest of the line.
func readLine(r *bufio.Reader, limit int) (string, error) {
	var kept []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if room := limit - len(kept); room > 0 {
			if len(chunk) > room {
				chunk = chunk[:room]
			}
			kept = append(kept, chunk...)
		}
		if err != nil {
			return strings.ToValidUTF8(string(kept), ""), err
		}
		if !isPrefix {
			return strings.ToValidUTF8(string(kept), ""), nil
		}
	}
}
