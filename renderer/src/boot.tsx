/**
 * The app's shell put on the page: the last stage of start-up (./main), once React and the protocol's schemas
 * are evaluated. The root is made in a task of its own rather than in this module's evaluation, which then holds
 * only the modules' own set-up (React registers its event listeners on the root as it is made).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

setTimeout(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}, 0);
