import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// The root is made in a task of its own rather than in the start-up script's evaluation, which then holds only
// the modules' own set-up (React registers its event listeners on the root as it is made).
setTimeout(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}, 0);
