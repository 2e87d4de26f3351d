import type { ImportColumn } from '../../../platform/bulk/index.js';
import { userIdsByEmails } from '../../identity/index.js';
import { customerRuleErrors, customerValues } from '../core/customers.service.js';
import { CreateCustomerBody } from '../core/core.schemas.js';
import { customers } from '../tables/core.tables.js';
import { codeImporter, type Reference } from './code-importer.js';
import { bodyOf } from './fields.js';

export const CUSTOMER_COLUMNS: ImportColumn[] = [
  { name: 'code', kind: 'text', required: true, description: 'Unique per tenant', example: 'C-1001' },
  { name: 'name', kind: 'text', required: true, description: 'Display name', example: 'Makro Chilonzor' },
  { name: 'legal_name', kind: 'text', description: 'Registered name', example: 'Makro Retail LLC' },
  { name: 'industry', kind: 'text', description: 'Industry', example: 'Retail' },
  { name: 'segment', kind: 'text', description: 'Segment', example: 'Key account' },
  { name: 'tags', kind: 'list', description: 'Tags separated by |', example: 'vip|north' },
  { name: 'contact_name', kind: 'text', description: 'Main contact', example: 'Aziz Karimov' },
  { name: 'email', kind: 'text', description: 'Contact e-mail', example: 'buyer@makro.example' },
  { name: 'phone', kind: 'text', description: 'Contact phone', example: '+998901234567' },
  {
    name: 'addresses',
    kind: 'json',
    description: 'JSON array of {kind, line, city, region, postal_code, country}',
    example: '[{"kind":"delivery","line":"Bunyodkor 1","city":"Tashkent","country":"UZ"}]',
  },
  { name: 'inn', kind: 'text', description: 'Tax id: 10 or 12 digits', example: '7707083893' },
  { name: 'kpp', kind: 'text', description: '9 digits', example: '773601001' },
  { name: 'ogrn', kind: 'text', description: '13 or 15 digits', example: '1027700132195' },
  { name: 'is_customer', kind: 'boolean', description: 'Buys from us (default true)', example: 'true' },
  { name: 'is_supplier', kind: 'boolean', description: 'Sells to us (default false)', example: 'false' },
  { name: 'owner_email', kind: 'text', description: 'Account manager, by login e-mail', example: '' },
  { name: 'status', kind: 'text', description: 'onboarding, active, at_risk or churned', example: 'active' },
  { name: 'contract_start', kind: 'date', description: 'YYYY-MM-DD', example: '2026-01-01' },
  {
    name: 'contract_end',
    kind: 'date',
    description: 'YYYY-MM-DD, not before the start',
    example: '2026-12-31',
  },
  { name: 'contract_value', kind: 'decimal', description: 'Amount, e.g. 125000.00', example: '125000.00' },
  { name: 'currency', kind: 'text', description: 'ISO 4217', example: 'UZS' },
];

const PLAIN_FIELDS = CUSTOMER_COLUMNS.map((c) => c.name).filter((name) => name !== 'owner_email');
const DEFAULTS = { tags: [], addresses: [], is_customer: true, is_supplier: false, status: 'active' };

/** Users named by login e-mail (case-insensitive). */
const ownerByEmail: Reference = {
  column: 'owner_email',
  field: 'owner_id',
  lookup: 'user with e-mail',
  async resolve(tx, tenantId, emails) {
    const byLower = await userIdsByEmails(tx, tenantId, emails);
    return new Map(
      emails.flatMap((email) => {
        const id = byLower.get(email.toLowerCase());
        return id ? [[email, id] as const] : [];
      }),
    );
  },
};

export const customersImporter = codeImporter<CreateCustomerBody, ReturnType<typeof customerValues>>({
  name: 'customers',
  permission: 'customers:write',
  table: customers,
  columns: async () => CUSTOMER_COLUMNS,
  schema: CreateCustomerBody,
  references: [ownerByEmail],
  toBody: (record, columns) => bodyOf(record, columns, PLAIN_FIELDS, DEFAULTS),
  checkBody: (body) =>
    customerRuleErrors({ contractStart: body.contract_start, contractEnd: body.contract_end }),
  values: customerValues,
});
