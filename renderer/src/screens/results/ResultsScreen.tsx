/**
 * Results: replay runs kept when they ended or were stopped, grouped by the session they played so runs of one
 * session sit side by side (return, drawdown, trades, win rate, fees, and the digest that says two runs made the
 * same fills); each account's running result; one run in detail with its equity curve and fills; and the reports
 * — PnL per day, week or month and fills of any account, on screen and as CSV.
 */
import { useEffect, useState } from 'react';
import type { CsvFile, ResultAccount, ResultDetail, ResultSummary } from '@protocol/results';
import { api } from '../../api';
import { PanelState } from '../../components/market/PanelState';
import { saveFile } from '../../components/save-file';
import { fill, useT, type MessageKey } from '../../i18n';
import { errorText } from '../../i18n/host-errors';
import { formatBps, tone } from '../../lib/figures';
import { runningResults, sameFills, sessionGroups } from '../../lib/results-view';
import { formatDateTime } from '../../lib/time';
import { formatUnits } from '../../lib/units';
import { useResults, type ReportPeriod } from '../../stores/results-store';
import { useSettings } from '../../stores/settings-store';
import { RunEquityChart } from './RunEquityChart';
import '../ranking/ranking.css';
import './results.css';

const ACCOUNTS: ResultAccount[] = ['practice', 'paper', 'replay', 'live'];
const PERIODS: ReportPeriod[] = ['day', 'week', 'month'];

/** A replay's own clock, in UTC as sessions are recorded. */
function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function accountLabel(account: string): MessageKey {
  return `results.account.${account.split(':')[0]}` as MessageKey;
}

function Figures({ r }: { r: ResultSummary }) {
  const fees = r.fees.map(
    (f) => `${formatUnits(BigInt(f.amount), f.asset === r.quote ? r.quoteDecimals : 0)} ${f.asset}`,
  );
  return (
    <>
      <td className={`num result-return ${tone(r.returnBps) ?? ''}`}>
        {r.returnBps === null ? '—' : formatBps(r.returnBps, true)}
      </td>
      <td className="num result-drawdown">{formatBps(r.maxDrawdownBps)}</td>
      <td className="num result-trades">{r.trades}</td>
      <td className="num result-winrate">{r.winRateBps === null ? '—' : formatBps(r.winRateBps)}</td>
      <td className="num result-fees">{fees.join(', ') || '0'}</td>
      <td className="num">
        {formatUnits(BigInt(r.endEquity), r.quoteDecimals)} {r.quote}
      </td>
    </>
  );
}

function FigureHeads() {
  const t = useT();
  return (
    <>
      <th className="num">{t('results.col.return')}</th>
      <th className="num">{t('results.col.drawdown')}</th>
      <th className="num">{t('results.col.trades')}</th>
      <th className="num">{t('results.col.winRate')}</th>
      <th className="num">{t('results.col.fees')}</th>
      <th className="num">{t('results.col.equity')}</th>
    </>
  );
}

function Runs() {
  const t = useT();
  const { runs, status, error, load, open, remove, detail } = useResults();
  if (status === 'loading' && runs.length === 0) return <PanelState state="loading" />;
  if (status === 'error' && runs.length === 0)
    return <PanelState state="error" error={error ? errorText(error, t) : null} onRetry={() => void load()} />;
  const running = runningResults(runs);
  const groups = sessionGroups(runs);
  if (running.length === 0 && groups.length === 0) return <PanelState state="empty" emptyKey="results.empty" />;
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {errorText(error, t)}
        </p>
      )}
      {running.length > 0 && (
        <section className="results-group" aria-label={t('results.running')}>
          <h2>{t('results.running')}</h2>
          <table className="grid results-table">
            <thead>
              <tr>
                <th>{t('reports.account')}</th>
                <FigureHeads />
                <th>{t('results.col.digest')}</th>
              </tr>
            </thead>
            <tbody>
              {running.map((r) => (
                <tr key={r.id} data-run-id={r.id} data-account={r.account}>
                  <td>{t(accountLabel(r.account))}</td>
                  <Figures r={r} />
                  <td className="result-digest mono">{r.digest}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {groups.map((g) => {
        const same = sameFills(g);
        return (
          <section key={g.key} className="results-group" aria-label={fill(t('results.session'), g.name)}>
            <h2>
              {fill(t('results.session'), g.name)} <span className="muted mono small-note">{g.key.slice(0, 12)}</span>
            </h2>
            <table className="grid results-table">
              <thead>
                <tr>
                  <th>{t('results.col.run')}</th>
                  <th>{t('results.col.when')}</th>
                  <FigureHeads />
                  <th>{t('results.col.digest')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {g.runs.map((r, i) => (
                  <tr
                    key={r.id}
                    data-run-id={r.id}
                    className={detail?.id === r.id ? 'selected' : undefined}
                    aria-selected={detail?.id === r.id}
                  >
                    <td>
                      {i + 1} <span className="muted">· {t(`results.state.${r.state}`)}</span>
                    </td>
                    <td className="muted">{formatDateTime(r.endedAt)}</td>
                    <Figures r={r} />
                    <td className="mono">
                      <span className="result-digest">{r.digest}</span>
                      {same.has(r.id) && (
                        <span className="muted small-note"> · {fill(t('results.same'), same.get(r.id)!)}</span>
                      )}
                    </td>
                    <td className="results-actions">
                      <button type="button" className="outline-button small" onClick={() => void open(r.id)}>
                        {t('results.show')}
                      </button>
                      <button type="button" className="outline-button small" onClick={() => void remove(r.id)}>
                        {t('results.delete')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </>
  );
}

function Download({ label, get }: { label: MessageKey; get: () => Promise<CsvFile> }) {
  const t = useT();
  const [state, setState] = useState<{ busy: boolean; message?: string; error?: boolean }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      const file = await get();
      saveFile(file);
      setState({ busy: false, message: `${fill(t('reports.saved'), file.rows)} (${file.filename})` });
    } catch (err) {
      setState({ busy: false, error: true, message: (err as Error).message });
    }
  };
  return (
    <span className="results-download">
      <button type="button" className="outline-button" disabled={state.busy} onClick={() => void run()}>
        {t(label)}
      </button>
      {state.message && (
        <span role={state.error ? 'alert' : 'status'} className={state.error ? 'error' : 'muted'}>
          {state.message}
        </span>
      )}
    </span>
  );
}

function RunDetail({ run }: { run: ResultDetail }) {
  const t = useT();
  const theme = useSettings((s) => s.settings?.theme ?? 'dark');
  const groups = sessionGroups(useResults((s) => s.runs));
  const n = (groups.find((g) => g.runs.some((r) => r.id === run.id))?.runs.findIndex((r) => r.id === run.id) ?? -1) + 1;
  return (
    <section className="results-detail" aria-label={fill(t('results.detail'), n || run.id)} data-run-id={run.id}>
      <h2>
        {fill(t('results.detail'), n || run.id)}{' '}
        <span className="muted small-note">
          {utc(run.fromTs)} – {utc(run.toTs)}
        </span>
      </h2>
      {run.unvalued.length > 0 && <p className="muted">{fill(t('results.unvalued'), run.unvalued.join(', '))}</p>}
      <RunEquityChart run={run} theme={theme} />
      <h3>
        {t('results.fills')}{' '}
        <Download label="results.downloadRun" get={() => api.invoke('reports.runCsv', { id: run.id })} />
      </h3>
      {run.fillsLeftOut > 0 && <p className="muted">{fill(t('results.fillsLeftOut'), run.fillsLeftOut)}</p>}
      {run.fills.length === 0 ? (
        <p className="muted">{t('results.fillsEmpty')}</p>
      ) : (
        <table className="grid results-fills" aria-label={t('results.fills')}>
          <thead>
            <tr>
              <th>{t('col.time')}</th>
              <th>{t('reports.col.market')}</th>
              <th>{t('col.side')}</th>
              <th className="num">{t('col.price')}</th>
              <th className="num">{t('col.amount')}</th>
              <th className="num">{t('reports.col.turnover')}</th>
              <th className="num">{t('col.fee')}</th>
              <th>{t('history.col.role')}</th>
            </tr>
          </thead>
          <tbody>
            {[...run.fills].reverse().map((f, i) => (
              <tr key={i}>
                <td className="muted">{utc(f.ts)}</td>
                <td>{f.market}</td>
                <td className={f.side === 'buy' ? 'up' : 'down'}>{t(`side.${f.side}`)}</td>
                <td className="num">{formatUnits(f.price, f.priceDecimals)}</td>
                <td className="num">{formatUnits(f.quantity, f.sizeDecimals)}</td>
                <td className="num">{formatUnits(f.quoteAmount, f.quoteDecimals)}</td>
                <td className="num">{formatUnits(f.fee, f.quoteDecimals)}</td>
                <td>{t(`history.role.${f.liquidity}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Reports() {
  const t = useT();
  const { account, period, report, reportStatus, reportError, choose, loadReport } = useResults();
  return (
    <section className="results-reports" aria-label={t('reports.title')}>
      <h2>{t('reports.title')}</h2>
      <div className="results-report-controls">
        <label>
          <span className="muted">{t('reports.account')}</span>
          <select
            aria-label={t('reports.account')}
            value={account}
            onChange={(e) => choose({ account: e.target.value as ResultAccount })}
          >
            {ACCOUNTS.map((a) => (
              <option key={a} value={a}>
                {t(accountLabel(a))}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="muted">{t('reports.period')}</span>
          <select
            aria-label={t('reports.period')}
            value={period}
            onChange={(e) => choose({ period: e.target.value as ReportPeriod })}
          >
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`reports.period.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="outline-button" onClick={() => void loadReport()}>
          {t('reports.show')}
        </button>
        <Download label="reports.pnlCsv" get={() => api.invoke('reports.pnlCsv', { account, period })} />
        <Download label="reports.fillsCsv" get={() => api.invoke('reports.fillsCsv', { account })} />
      </div>
      {reportStatus === 'loading' && <PanelState state="loading" />}
      {reportStatus === 'error' && (
        <PanelState
          state="error"
          error={reportError ? errorText(reportError, t) : null}
          onRetry={() => void loadReport()}
        />
      )}
      {reportStatus === 'ready' && report && (
        <>
          {report.state !== 'ok' && <p className="muted">{t(`reports.${report.state}`)}</p>}
          {!report.complete && <p className="muted">{t('reports.partial')}</p>}
          {report.state === 'ok' && report.rows.length === 0 && <p className="muted">{t('reports.empty')}</p>}
          {report.rows.length > 0 && (
            <table className="grid results-pnl" aria-label={t('reports.title')}>
              <thead>
                <tr>
                  <th>{t('reports.col.period')}</th>
                  <th>{t('reports.col.market')}</th>
                  <th className="num">{t('reports.col.fills')}</th>
                  <th className="num">{t('reports.col.realised')}</th>
                  <th className="num">{t('reports.col.fees')}</th>
                  <th className="num">{t('reports.col.turnover')}</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => {
                  const realised = BigInt(r.realisedPnl);
                  return (
                    <tr key={`${r.periodStart}-${r.market}`}>
                      <td>{utc(r.periodStart).slice(0, 10)}</td>
                      <td>{r.market}</td>
                      <td className="num">{r.fills}</td>
                      <td className={`num ${realised > 0n ? 'up' : realised < 0n ? 'down' : ''}`}>
                        {formatUnits(realised, r.quoteDecimals)} {r.quote}
                      </td>
                      <td className="num">{formatUnits(BigInt(r.fees), r.quoteDecimals)}</td>
                      <td className="num">{formatUnits(BigInt(r.turnover), r.quoteDecimals)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

export function ResultsScreen() {
  const t = useT();
  const load = useResults((s) => s.load);
  const detail = useResults((s) => s.detail);
  const detailError = useResults((s) => s.detailError);
  const status = useResults((s) => s.status);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="screen results-screen" aria-labelledby="screen-title">
      <div className="screen-head">
        <h1 id="screen-title">{t('results.title')}</h1>
        <p className="muted">{t('results.intro')}</p>
        <button type="button" className="button small" disabled={status === 'loading'} onClick={() => void load()}>
          {t('results.refresh')}
        </button>
      </div>
      <Runs />
      {detailError && (
        <p role="alert" className="error">
          {errorText(detailError, t)}
        </p>
      )}
      {detail && <RunDetail run={detail} />}
      <Reports />
    </section>
  );
}
