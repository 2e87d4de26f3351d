/**
 * The demo tenant's customer-success book: companies, their industries and the story each one
 * tells on the dashboard (healthy, declining, silent, renewing soon, new, churned).
 */
export type Story = 'healthy' | 'declining' | 'silent' | 'renewing' | 'new' | 'churned';

export interface DemoAccount {
  code: string;
  name: string;
  industry: string;
  story: Story;
  /** Contract end relative to today (days); null: no end date. */
  endsInDays: number | null;
  /** Contract start relative to today (days, negative = past). */
  startedDaysAgo: number;
  value: number;
  products: readonly string[];
}

const COMPANIES: readonly [string, string][] = [
  ['Uzbektelecom Solutions', 'Telecom'],
  ['Silk Road Bank', 'Banking'],
  ['Korzinka Retail Group', 'Retail'],
  ['Navoi Mining Services', 'Energy'],
  ['Tashkent City Hall IT', 'Government'],
  ['Samarkand Medical Centre', 'Healthcare'],
  ['Beeline Business', 'Telecom'],
  ['Kapital Invest', 'Banking'],
  ['Makro Supermarkets', 'Retail'],
  ['Uzbekneftegaz Digital', 'Energy'],
  ['Ministry of Digital Tech', 'Government'],
  ['Shifo Clinics', 'Healthcare'],
  ['Ucell Enterprise', 'Telecom'],
  ['Hamkorbank', 'Banking'],
  ['Havas Food Retail', 'Retail'],
  ['Thermal Power Plants JSC', 'Energy'],
  ['Bukhara Region Administration', 'Government'],
  ['MedLine Diagnostics', 'Healthcare'],
  ['Mobiuz Corporate', 'Telecom'],
  ['Ipoteka Bank', 'Banking'],
  ['Baraka Market', 'Retail'],
  ['Regional Electric Networks', 'Energy'],
  ['State Tax Committee IT', 'Government'],
  ['Akfa Medline', 'Healthcare'],
  ['Perfectum Mobile', 'Telecom'],
  ['Asaka Bank', 'Banking'],
  ['Anglesey Food', 'Retail'],
  ['Uzbekhydroenergo', 'Energy'],
  ['Customs Committee Systems', 'Government'],
  ['Tibbiyot Lab Network', 'Healthcare'],
  ['UzMobile Business', 'Telecom'],
  ['Orient Finans Bank', 'Banking'],
  ['Carrefour Tashkent', 'Retail'],
  ['Solar Energy Uzbekistan', 'Energy'],
  ['Andijan Hokimiyat', 'Government'],
  ['Green Clinic', 'Healthcare'],
  ['EVO Fibre', 'Telecom'],
  ['Agrobank', 'Banking'],
  ['Galmart', 'Retail'],
  ['Almalyk MMC Digital', 'Energy'],
  ['Fergana Region IT Centre', 'Government'],
  ['Radiology Plus', 'Healthcare'],
  ['Sarkor Telecom', 'Telecom'],
  ['TBC Bank Uzbekistan', 'Banking'],
  ['Mahalla Stores', 'Retail'],
  ['Kyzylkum Cement', 'Energy'],
  ['Namangan Digital Office', 'Government'],
  ['Medion Hospital', 'Healthcare'],
];

const PRODUCTS = ['MonetX', 'SupportX', 'GreenX'] as const;

/** The story of the i-th company: mostly healthy, with a few of each kind a manager acts on. */
function storyOf(i: number): Story {
  if (i % 12 === 3 || i % 12 === 8) return 'declining';
  if (i % 16 === 5) return 'silent';
  if (i % 9 === 4) return 'renewing';
  if (i % 14 === 6) return 'new';
  if (i === 22 || i === 41) return 'churned';
  return 'healthy';
}

const RENEWALS = [5, 12, 25, 45, 75, 120];

export const DEMO_ACCOUNTS: readonly DemoAccount[] = COMPANIES.map(([name, industry], i) => {
  const story = storyOf(i);
  const startedDaysAgo = story === 'new' ? 20 + (i % 50) : 200 + ((i * 97) % 900);
  const endsInDays =
    story === 'renewing'
      ? RENEWALS[i % RENEWALS.length]!
      : story === 'churned'
        ? -40 - (i % 30)
        : i % 10 === 7
          ? null
          : 150 + ((i * 53) % 700);
  const count = story === 'new' ? 1 : 1 + ((i * 7) % 3);
  return {
    code: `CS-${String(i + 1).padStart(3, '0')}`,
    name,
    industry,
    story,
    endsInDays,
    startedDaysAgo,
    value: 20_000 + ((i * 7919) % 880) * 1_000,
    products: PRODUCTS.slice(i % 3, (i % 3) + count).concat(
      PRODUCTS.slice(0, Math.max(0, (i % 3) + count - 3)),
    ),
  };
});
