import type { CommercePart } from '../part.js';

export { commerceSettingsOf, type CommerceSettings } from './settings.repository.js';

/** The commerce settings (`GET/PUT /commerce/settings`, section `commerce`). */
export const settingsPart: CommercePart = {};
