package commands

import (
	"errors"
	"fmt"

	"bangfu/commands/report"
	"bangfu/storage"
)

// userError is a refusal or bad input, shown to the user as it is.
type userError struct{ text string }

func (e *userError) Error() string { return e.text }

// fail is a refusal or bad input, shown to the user as it is.
func fail(format string, a ...any) error { return &userError{text: fmt.Sprintf(format, a...)} }

// userText is what the user reads for err: a refusal as written, a storage
// error worded from its code and facts; ok is false for anything else, which
// is logged and answered with genericFailure.
func (h *Handler) userText(err error) (string, bool) {
	var ue *userError
	if errors.As(err, &ue) {
		return ue.text, true
	}
	se, ok := storage.AsError(err)
	if !ok {
		return "", false
	}
	switch {
	case se.Op == "AddStudent" && se.Code == storage.EConflict:
		class := thisClass()
		if c, err := h.Store.Class(se.ClassID); err == nil {
			class = report.ClassName(c)
		}
		return studentAlreadyListed(class, se.Student), true
	case se.Op == "UseInvite" && se.Code == storage.ENotFound && se.Reason == "student":
		return inviteStudentGone(), true
	case se.Op == "UseInvite" && se.Code == storage.ENotFound:
		return inviteUnknown(se.Subject), true
	case se.Op == "UseInvite" && se.Code == storage.EConflict && se.Reason == "revoked":
		return inviteVoided(se.Subject), true
	case se.Op == "UseInvite" && se.Code == storage.EConflict:
		return inviteUsed(se.Subject), true
	case se.Op == "UseInvite" && se.Code == storage.EExpired:
		return inviteExpired(se.Subject), true
	}
	return "", false
}

// refuse is a refusal or bad input worded in text.go, shown as it is.
func refuse(text string) error { return &userError{text: text} }
