// A bundler consumer (moduleResolution bundler, as Vite, webpack and Next.js resolve).
import { createAuterity, type Auterity } from '@auterity/core';
import { isErrorEnvelope } from '@auterity/core/client';

export const engine: Auterity = createAuterity({ database: 'sqlite::memory:' });
export const isEnvelope: boolean = isErrorEnvelope(null);
