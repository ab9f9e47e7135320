/**
 * Portfolio: every account of mine valued together in won by the host (portfolio.get: each holding at its own
 * market's mark, by the one valuation the Market screen's balances use), its allocation by account and by asset
 * (a bar in the theme's colours, the figures in a table beside it), PnL per account and per asset, and the
 * total's record over time. An account that cannot be read says why while the others still show.
 */
import { useEffect, useMemo } from 'react';
import type { Portfolio, PortfolioAccount, PortfolioPnl } from '@protocol/portfolio';
import { PanelState } from '../../components/market/PanelState';
import { fill, useT, type MessageKey } from '../../i18n';
import { errorText } from '../../i18n/host-errors';
import { formatShare, shares } from '../../lib/allocation';
import { formatQuote, formatSignedQuote } from '../../lib/market-format';
import { formatDateTime } from '../../lib/time';
import { formatUnits } from '../../lib/units';
import { useLive } from '../../stores/live-store';
import { usePortfolio } from '../../stores/portfolio-store';
import { useSettings } from '../../stores/settings-store';
import { EquityChart } from '../profile/EquityChart';
import '../ranking/ranking.css';
import './portfolio.css';

/** While the screen is open its figures follow the markets at this pace. */
const REFRESH_MS = 15_000;

const ACCOUNT_COLOURS: Record<PortfolioAccount['kind'], string> = {
  practice: 'var(--kind-practice)',
  paper: 'var(--kind-paper)',
  replay: 'var(--rsi)',
  live: 'var(--kind-live)',
  copy: 'var(--ma-long)',
};
const ASSET_COLOURS = ['var(--accent)', 'var(--kind-paper)', 'var(--kind-practice)', 'var(--kind-live)', 'var(--rsi)'];

function accountName(a: PortfolioAccount, t: (k: MessageKey) => string): string {
  if (a.kind === 'copy') return fill(t('portfolio.account.copy'), a.leader ?? '');
  // Each paper portfolio by its name and the exchange whose prices it trades.
  if (a.portfolio)
    return fill(t('portfolio.account.paper'), `${a.portfolio.name} (${t(`source.${a.portfolio.exchange}`)})`);
  return t(`portfolio.account.${a.kind}`);
}

interface Slice {
  key: string;
  label: string;
  value: bigint;
  colour: string;
}

/** A stacked bar of the shares (decorative: the table beside it has the same figures for everyone). */
function Allocation({
  title,
  column,
  slices,
  p,
}: {
  title: string;
  /** What each row is: an account or an asset. */
  column: MessageKey;
  slices: Slice[];
  p: Portfolio;
}) {
  const t = useT();
  const bps = shares(slices.map((s) => s.value));
  const won = { quote: p.quote, quoteDecimals: p.decimals };
  return (
    <div className="portfolio-allocation">
      <h3>{title}</h3>
      <div className="allocation-bar" aria-hidden="true">
        {slices.map((s, i) =>
          bps[i] > 0 ? (
            <span key={s.key} style={{ width: `${bps[i] / 100}%`, background: s.colour }} title={s.label} />
          ) : null,
        )}
      </div>
      {/* Named apart from the accounts table above, which is called "By account" too. */}
      <table className="grid" aria-label={fill(t('portfolio.allocationOf'), title.toLowerCase())}>
        <thead>
          <tr>
            <th scope="col">{t(column)}</th>
            <th scope="col" className="num">
              {t('portfolio.col.value')}
            </th>
            <th scope="col" className="num">
              {t('portfolio.col.share')}
            </th>
          </tr>
        </thead>
        <tbody>
          {slices.map((s, i) => (
            <tr key={s.key} data-key={s.key} data-value={s.value.toString()} data-share-bps={bps[i]}>
              <td>
                <span className="swatch" style={{ background: s.colour }} aria-hidden="true" />
                {s.label}
              </td>
              <td className="num">{formatQuote(won, s.value)}</td>
              <td className="num">{formatShare(bps[i])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Pnl({ pnl, p }: { pnl: PortfolioPnl | undefined; p: Portfolio }) {
  const won = { quote: p.quote, quoteDecimals: p.decimals };
  if (!pnl)
    return (
      <>
        <td className="num muted">—</td>
        <td className="num muted">—</td>
        <td className="num muted">—</td>
      </>
    );
  const cls = (v: string) => `num ${BigInt(v) > 0n ? 'up' : BigInt(v) < 0n ? 'down' : ''}`;
  return (
    <>
      <td className={cls(pnl.realised)} data-realised={pnl.realised}>
        {formatSignedQuote(won, BigInt(pnl.realised))}
      </td>
      <td className={cls(pnl.unrealised)} data-unrealised={pnl.unrealised}>
        {formatSignedQuote(won, BigInt(pnl.unrealised))}
      </td>
      <td className="num">{formatQuote(won, BigInt(pnl.fees))}</td>
    </>
  );
}

/** The head of a table of values and PnL: its first column names the rows (accounts or assets). */
function PnlHead({ first }: { first: MessageKey }) {
  const t = useT();
  return (
    <thead>
      <tr>
        <th scope="col">{t(first)}</th>
        {(['value', 'realised', 'unrealised', 'fees'] as const).map((c) => (
          <th key={c} scope="col" className="num">
            {t(`portfolio.col.${c}`)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function Accounts({ p }: { p: Portfolio }) {
  const t = useT();
  const won = { quote: p.quote, quoteDecimals: p.decimals };
  return (
    <table className="grid portfolio-accounts" aria-label={t('portfolio.byAccount')}>
      <PnlHead first="portfolio.col.account" />
      <tbody>
        {p.accounts.map((a) => (
          <tr key={a.id} data-account={a.id} data-state={a.state} data-value={a.value}>
            <th scope="row">
              {accountName(a, t)}
              {a.state !== 'ok' && (
                // The connection's own words stay in the tooltip: the status bar says how it is, in the app's language.
                <div className="muted small-note" role="status" title={a.reason}>
                  {fill(t(`portfolio.state.${a.state}`), a.reason ?? '')}
                </div>
              )}
            </th>
            <td className="num">{a.state === 'ok' ? formatQuote(won, BigInt(a.value)) : '—'}</td>
            <Pnl pnl={a.pnl} p={p} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each account's positions, in their own market's units; the asset totals in won above them. */
function PnlByAsset({ p }: { p: Portfolio }) {
  const t = useT();
  const traded = p.accounts.filter((a) => a.positions.length > 0);
  const tradedAssets = p.assets.filter((a) => p.accounts.some((x) => x.positions.some((y) => y.base === a.asset)));
  return (
    <section className="panel" aria-labelledby="pnl-title">
      <div className="panel-head">
        <h2 id="pnl-title">{t('portfolio.pnl')}</h2>
      </div>
      <p className="muted small-note">{t('portfolio.pnlNote')}</p>
      {p.accounts
        .filter((a) => a.pnlPartial)
        .map((a) => (
          <p key={a.id} className="muted small-note" role="status">
            {fill(t('portfolio.pnlPartial'), accountName(a, t))}
          </p>
        ))}
      {p.accounts.some((a) => a.kind === 'copy') && <p className="muted small-note">{t('portfolio.pnlCopy')}</p>}
      {traded.length === 0 ? (
        <PanelState state="empty" emptyKey="portfolio.noTrades" />
      ) : (
        <div className="scroll">
          <table className="grid portfolio-assets" aria-label={t('portfolio.pnl')}>
            <PnlHead first="portfolio.col.asset" />
            <tbody>
              {tradedAssets.map((a) => (
                <tr key={a.asset} data-asset={a.asset}>
                  <th scope="row">{a.asset}</th>
                  <td className="num">{formatQuote({ quote: p.quote, quoteDecimals: p.decimals }, BigInt(a.value))}</td>
                  <Pnl pnl={a.pnl} p={p} />
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('portfolio.positions')}</h3>
          <table className="grid portfolio-positions" aria-label={t('portfolio.positions')}>
            <thead>
              <tr>
                <th scope="col">{t('portfolio.col.account')}</th>
                <th scope="col">{t('portfolio.col.market')}</th>
                <th scope="col" className="num">
                  {t('portfolio.col.amount')}
                </th>
                <th scope="col" className="num">
                  {t('portfolio.col.average')}
                </th>
                <th scope="col" className="num">
                  {t('portfolio.col.mark')}
                </th>
                <th scope="col" className="num">
                  {t('portfolio.col.realised')}
                </th>
                <th scope="col" className="num">
                  {t('portfolio.col.unrealised')}
                </th>
              </tr>
            </thead>
            <tbody>
              {traded.flatMap((a) =>
                a.positions.map((x) => {
                  const q = { quote: x.quote, quoteDecimals: x.quoteDecimals };
                  return (
                    <tr key={`${a.id}:${x.market}`} data-account={a.id} data-market={x.market}>
                      <td>{accountName(a, t)}</td>
                      <td>
                        {x.base}/{x.quote}
                      </td>
                      <td className="num">{formatUnits(BigInt(x.quantity), x.sizeDecimals)}</td>
                      <td className="num">{formatUnits(BigInt(x.averagePrice), x.priceDecimals)}</td>
                      <td className="num">
                        {x.markPrice !== undefined ? formatUnits(BigInt(x.markPrice), x.priceDecimals) : '—'}
                      </td>
                      <td className="num">{formatSignedQuote(q, BigInt(x.realisedPnl))}</td>
                      <td className="num">
                        {x.unrealisedPnl !== undefined ? formatSignedQuote(q, BigInt(x.unrealisedPnl)) : '—'}
                      </td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Body({ p }: { p: Portfolio }) {
  const t = useT();
  const theme = useSettings((s) => s.settings?.theme ?? 'dark');
  const won = { quote: p.quote, quoteDecimals: p.decimals };
  const counted = p.accounts.filter((a) => a.state === 'ok');
  const byAccount: Slice[] = counted.map((a) => ({
    key: a.id,
    label: accountName(a, t),
    value: BigInt(a.value),
    colour: ACCOUNT_COLOURS[a.kind],
  }));
  const byAsset: Slice[] = p.assets
    .filter((a) => BigInt(a.value) > 0n)
    .map((a, i) => ({
      key: a.asset,
      label: a.asset,
      value: BigInt(a.value),
      colour: ASSET_COLOURS[i % ASSET_COLOURS.length],
    }));
  // The chart plots whole won, as the profile's does.
  const unit = 10n ** BigInt(p.decimals);
  const equity = useMemo(
    () => ({
      hourly: p.equity.map((x) => ({ ts: x.ts, equity: Number(BigInt(x.value) / unit) })),
      daily: [],
      flows: [],
    }),
    [p.equity, unit],
  );
  return (
    <>
      <div className="panel portfolio-head">
        <div>
          <div className="muted">{t('portfolio.total')}</div>
          <div className="portfolio-total" data-testid="portfolio-total" data-value={p.value} data-as-of={p.asOf}>
            {formatQuote(won, BigInt(p.value))} {p.quote}
          </div>
          <div className="muted small-note">{fill(t('portfolio.asOf'), formatDateTime(p.asOf))}</div>
          {p.unvalued.length > 0 && (
            <p className="muted small-note" role="note" data-testid="portfolio-unvalued">
              {fill(
                t('portfolio.unvalued'),
                p.unvalued.map((x) => `${x.asset}: ${t(`portfolio.unvalued.${x.why}`)}`).join(' · '),
              )}
            </p>
          )}
        </div>
      </div>
      <section className="panel" aria-labelledby="accounts-title">
        <div className="panel-head">
          <h2 id="accounts-title">{t('portfolio.byAccount')}</h2>
        </div>
        <div className="scroll">
          <Accounts p={p} />
        </div>
      </section>
      <section className="panel" aria-labelledby="allocation-title">
        <div className="panel-head">
          <h2 id="allocation-title">{t('portfolio.allocation')}</h2>
        </div>
        <div className="portfolio-allocations">
          <Allocation title={t('portfolio.byAccount')} column="portfolio.col.account" slices={byAccount} p={p} />
          <Allocation title={t('portfolio.byAsset')} column="portfolio.col.asset" slices={byAsset} p={p} />
        </div>
      </section>
      <PnlByAsset p={p} />
      <section className="panel" aria-labelledby="portfolio-equity-title">
        <div className="panel-head">
          <h2 id="portfolio-equity-title">{t('portfolio.equity')}</h2>
        </div>
        <EquityChart
          equity={equity}
          theme={theme}
          market={null}
          labelKey="portfolio.equity"
          emptyKey="portfolio.equityEmpty"
        />
      </section>
    </>
  );
}

export function PortfolioScreen() {
  const t = useT();
  const { portfolio, status, error, load } = usePortfolio();
  const account = useLive((s) => s.status?.account?.nickname);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, account]);
  return (
    <section className="screen portfolio" aria-labelledby="screen-title">
      <div className="screen-head">
        <h1 id="screen-title">{t('portfolio.title')}</h1>
        <p className="muted">{t('portfolio.intro')}</p>
        <button type="button" className="button small" onClick={() => void load()} aria-busy={status === 'loading'}>
          {t('portfolio.refresh')}
        </button>
      </div>
      {status === 'error' && error && portfolio && (
        <p className="error" role="alert">
          {fill(t('panel.error'), errorText(error, t))}
        </p>
      )}
      {portfolio ? (
        <Body p={portfolio} />
      ) : status === 'error' && error ? (
        <PanelState state="error" error={errorText(error, t)} onRetry={() => void load()} />
      ) : (
        <PanelState state="loading" />
      )}
    </section>
  );
}
