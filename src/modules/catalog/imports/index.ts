export { customersImporter } from './customers.importer.js';
export { outletsImporter } from './outlets.importer.js';
export { productsImporter } from './products.importer.js';
export { catalogExportRoutes } from './exports.js';
