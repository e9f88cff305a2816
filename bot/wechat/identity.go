package wechat

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/eatmoreapple/openwechat"
)

// Web WeChat gives no id that survives a login: every UserName changes, and
// remark names set by a bot are not kept (openwechat marks
// SetRemarkNameToFriend as no longer working; openwechat #412, #514). So
// people are recognised after a re-login from what the service does give:
// the remark name school staff set on the phone (never changed by us), else
// nickname and avatar, else nickname and the groups they are in. A person
// who cannot be told apart from another is not guessed: they are asked to
// confirm with a fresh code, and nobody is ever given someone else's id.

// identity is what is remembered of a person between logins.
type identity struct {
	ID     string   `json:"id"`
	Remark string   `json:"remark,omitempty"` // as set by staff on the phone
	Nick   string   `json:"nick"`
	Avatar string   `json:"avatar,omitempty"` // the avatar's seq, stable while the picture is
	Groups []string `json:"groups,omitempty"` // names of groups they were seen in
}

// legacyRemark is the id an older bangfu wrote into remark names (bf12): a
// friend who still carries one keeps that id.
var legacyRemark = regexp.MustCompile(`^bf\d+$`)

const identitiesKey = "identities"

// identities resolves this login's UserNames to stable ids.
type identities struct {
	state State

	mu      sync.Mutex
	known   map[string]*identity // by id
	byUser  map[string]string    // this login: UserName → id ("" : unsure)
	toUser  map[string]string    // this login: id → UserName
	created map[string]bool      // ids first given out in this login: someone else than any account seen before
	next    uint64
}

func newIdentities(state State) *identities {
	ids := &identities{state: state, known: map[string]*identity{}}
	ids.reset()
	if v, err := state.PlatformValue(PlatformName, identitiesKey); err == nil && len(v) > 0 {
		var list []*identity
		if json.Unmarshal(v, &list) == nil {
			for _, it := range list {
				ids.known[it.ID] = it
			}
		}
	}
	if v, err := state.PlatformValue(PlatformName, "next_id"); err == nil {
		ids.next, _ = strconv.ParseUint(string(v), 10, 64)
	}
	return ids
}

// reset forgets the previous login's UserNames.
func (ids *identities) reset() {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	ids.byUser, ids.toUser, ids.created = map[string]string{}, map[string]string{}, map[string]bool{}
}

// avatarSeq is the avatar's version from HeadImgUrl (…?seq=123&username=…).
func avatarSeq(u *openwechat.User) string {
	if i := strings.IndexByte(u.HeadImgUrl, '?'); i >= 0 {
		if q, err := url.ParseQuery(u.HeadImgUrl[i+1:]); err == nil {
			return q.Get("seq")
		}
	}
	return ""
}

// resolve returns the id of the person behind u in this login, or "" when
// they cannot be told apart from someone else (they are asked to confirm).
// groups are the names of the groups u is seen in. fresh gives them a new
// id whatever is remembered (a confirmation with a fresh code).
func (ids *identities) resolve(u *openwechat.User, groups []string, fresh bool) string {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if id, ok := ids.byUser[u.UserName]; ok && !fresh {
		if id != "" {
			ids.learn(id, u, groups)
		}
		return id
	}
	var id string
	switch {
	case fresh:
		id = ids.newID()
		ids.created[id] = true
	case legacyRemark.MatchString(u.RemarkName):
		id = u.RemarkName
	default:
		var ok bool
		if id, ok = ids.match(u, groups); !ok {
			return "" // unsure: asked to confirm (the groups they write in may tell later)
		}
		if id == "" {
			id = ids.newID()
			ids.created[id] = true
		}
	}
	if other, taken := ids.toUser[id]; taken && other != u.UserName {
		// Someone else in this login is already this person: never hand
		// out the same id twice; both must confirm.
		ids.byUser[u.UserName], ids.byUser[other] = "", ""
		delete(ids.toUser, id)
		return ""
	}
	ids.byUser[u.UserName], ids.toUser[id] = id, u.UserName
	ids.learn(id, u, groups)
	return id
}

// match finds the remembered person u is: ok false when several fit; id ""
// when nobody does (someone new). A remark set by staff names one person;
// otherwise (or for a remark new to us) the nickname picks the candidates,
// narrowed by avatar, then by the groups u is seen in, as long as a
// narrowing leaves anyone.
func (ids *identities) match(u *openwechat.User, groups []string) (id string, ok bool) {
	var found []*identity
	// People first seen in this login are other accounts than u.
	known := func(it *identity) bool { return !ids.created[it.ID] }
	if u.RemarkName != "" {
		for _, it := range ids.known {
			if known(it) && it.Remark == u.RemarkName {
				found = append(found, it)
			}
		}
	}
	if len(found) == 0 { // no remark, or one staff set since we last saw them
		for _, it := range ids.known {
			if known(it) && it.Nick == u.NickName && (it.Remark == "" || u.RemarkName == "") {
				found = append(found, it)
			}
		}
	}
	narrow := func(keep func(it *identity) bool) {
		var kept []*identity
		for _, it := range found {
			if keep(it) {
				kept = append(kept, it)
			}
		}
		if len(kept) > 0 {
			found = kept
		}
	}
	if seq := avatarSeq(u); len(found) > 1 && seq != "" {
		narrow(func(it *identity) bool { return it.Avatar == seq })
	}
	if len(found) > 1 && len(groups) > 0 {
		narrow(func(it *identity) bool { return overlap(it.Groups, groups) })
	}
	switch len(found) {
	case 0:
		return "", true
	case 1:
		return found[0].ID, true
	}
	return "", false
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func (ids *identities) newID() string {
	ids.next++
	ids.state.SetPlatformValue(PlatformName, "next_id", []byte(strconv.FormatUint(ids.next, 10)))
	return "wx" + strconv.FormatUint(ids.next, 10)
}

// learn remembers what the service now says of the person, and saves it
// when it changed.
func (ids *identities) learn(id string, u *openwechat.User, groups []string) {
	it := ids.known[id]
	if it == nil {
		it = &identity{ID: id}
		ids.known[id] = it
	}
	changed := it.Nick != u.NickName || (u.RemarkName != "" && it.Remark != u.RemarkName)
	it.Nick = u.NickName
	if u.RemarkName != "" {
		it.Remark = u.RemarkName
	}
	if seq := avatarSeq(u); seq != "" && seq != it.Avatar {
		it.Avatar, changed = seq, true
	}
	for _, g := range groups {
		if g != "" && !containsString(it.Groups, g) {
			it.Groups, changed = append(it.Groups, g), true
		}
	}
	if changed {
		ids.saveLocked()
	}
}

func (ids *identities) saveLocked() {
	list := make([]*identity, 0, len(ids.known))
	for _, it := range ids.known {
		list = append(list, it)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	if data, err := json.Marshal(list); err == nil {
		ids.state.SetPlatformValue(PlatformName, identitiesKey, data)
	}
}

// userName is the UserName of the person with id in this login, "" if not seen.
func (ids *identities) userName(id string) string {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	return ids.toUser[id]
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
