package journal

// What a listener outside this package needs to follow the PostgreSQL
// journal as other hosts append to it (live.PGFeed): the channel every
// append NOTIFYs, and the DSN to open its own connection with. The rows
// themselves are read through Since, like any store's.

// PGNotifyChannel is the NOTIFY channel of new entries; the payload is the
// new entry's seq.
const PGNotifyChannel = pgChannel

// DSN is the database the store was opened on, password included: for a
// listener's own connection, never for a message (see Where).
func (p *PG) DSN() string { return p.dsn }
