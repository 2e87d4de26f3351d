// The data-scope predicate lives in the platform's resource toolkit, which applies it by construction.
export { scopePredicate } from '../../platform/resource/scope.js';
