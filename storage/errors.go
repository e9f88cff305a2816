package storage

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Code classifies a storage failure so the command side can word it for a
// user; the codes follow benbjohnson/wtf.
type Code string

const (
	EInvalid   Code = "invalid"   // the request itself is wrong
	ENotFound  Code = "not_found" // the thing asked for does not exist
	EForbidden Code = "forbidden" // not allowed for this person
	EConflict  Code = "conflict"  // clashes with what is stored (same name, used code)
	EDuplicate Code = "duplicate" // the chat message was already processed
	EExpired   Code = "expired"   // it existed but is no longer valid
	ELocked    Code = "locked"    // another process holds the database
	ECorrupt   Code = "corrupt"   // the database file is damaged
	EInternal  Code = "internal"  // anything else: logged, never shown
)

// Error is a storage failure with a code and the facts a reply needs. Its
// text is for the log only, and leaves Subject out (it may be an invite
// code): what a user reads is worded by the caller from Code and the facts.
type Error struct {
	Code Code
	Op   string // the storage operation, e.g. "UseInvite"
	Err  error  // the cause, if any

	// Facts for the reply; zero when they do not apply.
	StudentID uint64
	Student   string // a student's name, e.g. the clash of AddStudent
	ClassID   uint64
	Subject   string    // what the operation was about, e.g. an invite code
	Reason    string    // a finer reason within the code, e.g. "student" for an invite whose child is gone
	At        time.Time // the date concerned
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	b.WriteString(string(e.Code))
	if e.Reason != "" {
		b.WriteString(" (" + e.Reason + ")")
	}
	if e.StudentID != 0 {
		fmt.Fprintf(&b, " student=%d", e.StudentID)
	}
	if e.ClassID != 0 {
		fmt.Fprintf(&b, " class=%d", e.ClassID)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches another *Error by code, so errors.Is(err, ErrNotFound) holds for
// every not-found error whatever its facts.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrDuplicate = &Error{Code: EDuplicate}
	ErrNotFound  = &Error{Code: ENotFound}
	ErrLocked    = &Error{Code: ELocked}
	ErrCorrupt   = &Error{Code: ECorrupt}
)

// ErrorCode is the code of err, EInternal when it carries none, "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
