package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/juece/juece/engine"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"modernc.org/sqlite"
)

// SQLite extended result codes (sqlite3.h) that translate tells apart.
const (
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintTrigger    = 1811
	sqliteConstraintUnique     = 2067
	sqliteBusy                 = 5
)

// translate turns a driver error into an *engine.Error where its meaning is
// known: a unique violation is a conflict, a foreign-key or check violation
// means the input named something that does not exist or is not allowed
// (invalid), sql.ErrNoRows is not_found. Other errors become internal
// errors that keep the driver error for logs but never show it to users.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ee *engine.Error
	if errors.As(err, &ee) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Errorz(engine.CodeNotFound, "记录不存在", "not found")
	}
	if e := pq.As(err, pqerror.UniqueViolation); e != nil {
		return conflictErr(err)
	}
	if e := pq.As(err, pqerror.ForeignKeyViolation); e != nil {
		return referenceErr(err)
	}
	if e := pq.As(err, pqerror.CheckViolation, pqerror.NotNullViolation); e != nil {
		return &engine.Error{Code: engine.CodeInvalid, Message: "a value is missing or not allowed", MessageZh: "必填项缺失或取值不允许", Err: err}
	}
	if e := pq.As(err, pqerror.TRSerializationFailure, pqerror.TRDeadlockDetected, pqerror.LockNotAvailable); e != nil {
		return conflictErr(err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return conflictErr(err)
		case sqliteConstraintForeignKey:
			return referenceErr(err)
		case sqliteConstraintCheck, sqliteConstraintNotNull:
			return &engine.Error{Code: engine.CodeInvalid, Message: "a value is missing or not allowed", MessageZh: "必填项缺失或取值不允许", Err: err}
		case sqliteBusy:
			return conflictErr(err)
		}
	}
	if unavailable(err) {
		return &engine.Error{Code: engine.CodeUnavailable, MessageZh: "数据库暂时无法连接，请稍后重试；本次操作未执行",
			Message: "the database cannot be reached right now; nothing was done, try again shortly", Err: err}
	}
	if e := pq.As(err, pqerror.CharacterNotInRepertoire, pqerror.UntranslatableCharacter); e != nil {
		// The edge refuses NUL and invalid UTF-8 before any query; this is
		// the last line, so that bad text is a 4xx on every path.
		return &engine.Error{Code: engine.CodeInvalid, MessageZh: "文字中含有无效字符（如 NUL 或非 UTF-8 字节）", Message: "the text holds invalid characters (NUL or bytes that are not UTF-8)", Err: err}
	}
	if strings.Contains(err.Error(), "append-only") {
		return &engine.Error{Code: engine.CodeForbidden, Message: "the audit trail is append-only", MessageZh: "审计记录只能追加，不能修改或删除", Err: err}
	}
	return engine.Internal(err)
}

func conflictErr(err error) error {
	return &engine.Error{Code: engine.CodeConflict, Message: "the record already exists or was changed by someone else; reload and retry",
		MessageZh: "记录已存在或已被他人修改，请刷新后重试", Err: err}
}

func referenceErr(err error) error {
	return &engine.Error{Code: engine.CodeInvalid, Message: "a referenced record (organisation, department, user or law firm) does not exist",
		MessageZh: "引用的机关、部门、用户或律师事务所不存在", Err: err}
}

// conflict is the error of a transition whose expected version is stale.
func conflict() error {
	return engine.Errorz(engine.CodeConflict, "事项已被他人修改，请刷新后重试", "the item was changed by someone else; reload and retry")
}

func itemNotFound() error {
	return engine.Errorz(engine.CodeNotFound, "事项不存在", "no such item")
}

// unavailable reports whether err means the database cannot be reached:
// a refused or dropped connection, a server shutting down or starting up,
// a closed pool.
func unavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return true
	}
	if e := pq.As(err, pqerror.AdminShutdown, pqerror.CrashShutdown, pqerror.CannotConnectNow, pqerror.ConnectionException,
		pqerror.ConnectionFailure, pqerror.SQLClientUnableToEstablishSQLConnection, pqerror.TooManyConnections); e != nil {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "driver: bad connection") ||
		strings.Contains(msg, "connection refused")
}
