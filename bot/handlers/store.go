package handlers

import (
	"context"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// Store is the part of the store the command handlers use; *store.Store
// is one.
type Store interface {
	Dossier(ctx context.Context, code string) (models.Dossier, error)
	Steps(ctx context.Context, dossierCode string) ([]models.Step, error)
	OpenDossiers(ctx context.Context, q store.OpenQuery) ([]models.Dossier, int, error)
	Officer(ctx context.Context, code string) (models.Officer, error)
	OfficersByCode(ctx context.Context, codes []string) (map[string]models.Officer, error)
	CreateLinkCode(ctx context.Context, req store.LinkCodeRequest) (string, error)
	RedeemLinkCode(ctx context.Context, platform, userID, chatID, code string, want store.LinkKind, now time.Time) (store.LinkResult, error)
}

// Scopes is the part of the chat directory the handlers use beyond what
// the router resolves: the unit tree and leaders' scopes;
// *store.ChatDirectory is one.
type Scopes interface {
	Tree(ctx context.Context) (*models.UnitTree, error)
	InScope(ctx context.Context, p models.Person, unitCode string) (bool, error)
}

var (
	_ Store  = (*store.Store)(nil)
	_ Scopes = (*store.ChatDirectory)(nil)
)
