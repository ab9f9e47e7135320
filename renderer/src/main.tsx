/**
 * The renderer's entry. The shell's modules are evaluated in stages, each in a task of its own — React, then the
 * protocol's schemas (zod builds every schema as its module runs), then the app — rather than all in the one
 * task of the start-up script, which passed 50 ms on a two-core machine: a long task, with input and frames
 * waiting behind it. The styles come with this module, before any of them.
 */
import './styles.css';

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

void import('react-dom/client')
  .then(nextTask)
  .then(() => import('@protocol/api'))
  .then(nextTask)
  .then(() => import('./boot'));
