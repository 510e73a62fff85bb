package main

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/juece/juece/server"
	"github.com/juece/juece/store"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"
)

// Bootstrap commands: an organisation, its first users and API tokens,
// before anyone can sign in to the API.

func newOrgCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{Use: "org", Short: "Manage organisations (governments)"}
	var region string
	add := &cobra.Command{
		Use:   "add CODE NAME",
		Short: "Create an organisation; CODE appears in public URLs, NAME is its full name",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context(), opts)
			if err != nil {
				return err
			}
			defer a.db.Close()
			if _, err := a.engine.Calendars().Region(region); err != nil {
				return &exitError{1, fmt.Errorf("%w; known regions: %s", err, strings.Join(regionCodes(a.engine.Calendars()), ", "))}
			}
			id, err := a.db.CreateOrganisation(cmd.Context(), args[0], args[1], region)
			if err != nil {
				return &exitError{1, err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "organisation %d %s created (已创建机关)\n", id, args[0])
			return nil
		},
	}
	add.Flags().StringVar(&region, "region", engine.DefaultRegion, "calendar region, e.g. cn or cn-xj")
	var quorum int
	set := &cobra.Command{
		Use:   "set CODE",
		Short: "Change an organisation's settings: --meeting-quorum is the share of a meeting's members (percent) that attendance must exceed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("meeting-quorum") {
				return &exitError{2, errors.New("nothing to set: give --meeting-quorum")}
			}
			db, o, err := openOrg(cmd, opts, args[0])
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.SetMeetingQuorum(cmd.Context(), o.ID, quorum); err != nil {
				return &exitError{1, err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: meetings decide when more than %d%% of the members attend (出席人数须超过组成人员的%d%%)\n", o.Code, quorum, quorum)
			return nil
		},
	}
	set.Flags().IntVar(&quorum, "meeting-quorum", 50, "percent of a meeting's members that attendance must exceed (0-99)")
	cmd.AddCommand(add, set)
	return cmd
}

func regionCodes(set *engine.CalendarSet) []string {
	var out []string
	for _, r := range set.Regions() {
		out = append(out, r.Code)
	}
	return out
}

func openDB(cmd *cobra.Command, opts *options) (*store.DB, error) {
	db, err := store.Open(cmd.Context(), opts.db)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(cmd.Context()); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openOrg opens the database and looks up the organisation by code.
func openOrg(cmd *cobra.Command, opts *options, code string) (*store.DB, *engine.Organisation, error) {
	db, err := openDB(cmd, opts)
	if err != nil {
		return nil, nil, err
	}
	o, err := db.GetOrganisationByCode(cmd.Context(), code)
	if err != nil {
		db.Close()
		return nil, nil, &exitError{1, fmt.Errorf("organisation %q: %w", code, err)}
	}
	return db, o, nil
}

func randomPassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func newUserCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage user accounts"}
	var org, username, name, roles, dept string
	var passwordStdin bool
	add := &cobra.Command{
		Use:   "add",
		Short: "Create a user; the password is read from stdin (--password-stdin) or generated and printed once",
		RunE: func(cmd *cobra.Command, args []string) error {
			db, o, err := openOrg(cmd, opts, org)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			u := &engine.User{OrgID: o.ID, Username: username, DisplayName: name}
			if u.DisplayName == "" {
				u.DisplayName = username
			}
			for _, r := range strings.Split(roles, ",") {
				if r = strings.TrimSpace(r); r != "" {
					u.Roles = append(u.Roles, engine.Role(r))
				}
			}
			if dept != "" {
				ds, err := db.ListDepartments(ctx, o.ID)
				if err != nil {
					return err
				}
				for _, d := range ds {
					if d.Name == dept {
						u.DepartmentID = d.ID
					}
				}
				if u.DepartmentID == 0 {
					if u.DepartmentID, err = db.CreateDepartment(ctx, o.ID, dept); err != nil {
						return &exitError{1, err}
					}
				}
			}
			password, generated := "", false
			if passwordStdin {
				line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if err != nil && line == "" {
					return &exitError{1, errors.New("no password on stdin")}
				}
				password = strings.TrimRight(line, "\r\n")
			} else {
				password, generated = randomPassword(), true
			}
			if n := len([]rune(password)); n < server.MinPasswordLength || len(password) > 72 {
				return &exitError{1, fmt.Errorf("the password must be %d characters to 72 bytes", server.MinPasswordLength)}
			}
			hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
			if err != nil {
				return err
			}
			u.PasswordHash = string(hash)
			if _, err := db.CreateUser(ctx, u); err != nil {
				return &exitError{1, err}
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "user %d %s created in %s (已创建用户)\n", u.ID, u.Username, o.Code)
			if generated {
				fmt.Fprintf(out, "password (密码，仅显示一次): %s\n", password)
			}
			return nil
		},
	}
	f := add.Flags()
	f.StringVar(&org, "org", "", "organisation code (required)")
	f.StringVar(&username, "username", "", "login name (required)")
	f.StringVar(&name, "name", "", "display name")
	f.StringVar(&roles, "roles", "", "comma-separated roles, e.g. organizer or admin")
	f.StringVar(&dept, "department", "", "department name (created if missing)")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of stdin")
	add.MarkFlagRequired("org")
	add.MarkFlagRequired("username")
	cmd.AddCommand(add)
	return cmd
}

func newTokenCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var org, username, name string
	var days int
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token for a user and print it once (only its hash is stored)",
		RunE: func(cmd *cobra.Command, args []string) error {
			db, o, err := openOrg(cmd, opts, org)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			u, err := db.GetUserByUsername(ctx, o.ID, username)
			if err != nil {
				return &exitError{1, fmt.Errorf("user %q: %w", username, err)}
			}
			if days < 0 {
				return &exitError{1, errors.New("--expires-days must not be negative")}
			}
			secret, hash := procedure.NewToken(procedure.TokenPrefix)
			now := time.Now()
			t := &engine.APIToken{OrgID: o.ID, UserID: u.ID, Name: name, Prefix: secret[:10], TokenHash: hash, CreatedAt: now}
			if days > 0 {
				exp := now.AddDate(0, 0, days)
				t.ExpiresAt = &exp
			}
			if err := db.CreateAPIToken(ctx, t); err != nil {
				return &exitError{1, err}
			}
			_ = db.RecordSecurityEvent(ctx, engine.SecurityEvent{OrgID: o.ID, At: now, Kind: "token_created", Username: u.Username, UserID: u.ID, IP: "cli", Detail: t.Prefix})
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			fmt.Fprintf(cmd.ErrOrStderr(), "token %d for %s created; it is shown only now (令牌仅显示一次)\n", t.ID, u.Username)
			return nil
		},
	}
	f := create.Flags()
	f.StringVar(&org, "org", "", "organisation code (required)")
	f.StringVar(&username, "username", "", "user the token acts as (required)")
	f.StringVar(&name, "name", "cli", "what the token is for, e.g. OA integration")
	f.IntVar(&days, "expires-days", 0, "days until the token expires (0 = never)")
	create.MarkFlagRequired("org")
	create.MarkFlagRequired("username")
	cmd.AddCommand(create)
	return cmd
}
