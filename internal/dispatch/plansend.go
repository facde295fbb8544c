package dispatch

import (
	"context"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// PlanSend plans a real send against l. With l nil (the first send: there
// is no ledger yet) it plans without one first and calls create only when
// that plan is sound and the timing guard lets it through, so that bad
// input (a file, a database) or a refusal leaves no ledger behind; then it
// plans against the new ledger. It returns the ledger it planned against
// (l, or the one create made), also with an error; the caller closes it.
func PlanSend(ctx context.Context, l *ledger.Ledger, create func(context.Context) (*ledger.Ledger, error), o PlanOptions) (*Plan, *ledger.Ledger, error) {
	if l == nil {
		p, err := PlanNotices(ctx, nil, o)
		if err == nil {
			err = p.Refused()
		}
		if err != nil {
			return nil, nil, err
		}
		if l, err = create(ctx); err != nil {
			return nil, nil, err
		}
	}
	p, err := PlanNotices(ctx, l, o)
	return p, l, err
}
