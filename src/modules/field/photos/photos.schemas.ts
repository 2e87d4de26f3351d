import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Nullable } from '../field.schemas.js';

export const PhotoPurposeSchema = Type.Union([
  Type.Literal('shelf'),
  Type.Literal('display'),
  Type.Literal('outside'),
  Type.Literal('board'),
  Type.Literal('id'),
]);

export const Photo = Type.Object(
  {
    id: Uuid,
    visit_id: Uuid,
    agent_id: Uuid,
    outlet_id: Uuid,
    uploaded_by: Nullable(Uuid),
    client_uuid: Nullable(Uuid),
    purpose: PhotoPurposeSchema,
    file_name: Type.String(),
    content_type: Type.String(),
    size: Type.Integer({ minimum: 0, description: 'Bytes' }),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    has_thumbnail: Type.Boolean({ description: 'False when the format could not be decoded (HEIC)' }),
    taken_at: Nullable(Type.String({ format: 'date-time', description: 'From EXIF, when present' })),
    latitude: Nullable(Type.Number({ description: 'From EXIF GPS, when present' })),
    longitude: Nullable(Type.Number()),
    grid_rows: Type.Integer({ minimum: 1 }),
    grid_cols: Type.Integer({ minimum: 1 }),
    created_at: IsoDateTime,
  },
  { $id: 'Photo' },
);
export type Photo = Static<typeof Photo>;

export const PhotoList = Type.Object({ photos: Type.Array(Photo) });

export const PHOTO_SORT = ['created_at', 'taken_at'] as const;

export const PhotoListQuery = Type.Object({
  ...PaginationQuery.properties,
  visit: Type.Optional(Uuid),
  outlet: Type.Optional(Uuid),
  agent: Type.Optional(Uuid),
  purpose: Type.Optional(PhotoPurposeSchema),
  date_from: Type.Optional(IsoDate),
  date_to: Type.Optional(IsoDate),
  sort: sortQuery(PHOTO_SORT, '-created_at'),
});
export type PhotoListQuery = Static<typeof PhotoListQuery>;

/** The text fields of the multipart upload, checked with the same schema machinery as JSON bodies. */
export const PhotoUploadFields = Type.Object(
  {
    visit_id: Uuid,
    purpose: PhotoPurposeSchema,
    client_uuid: Type.Optional(Uuid),
    grid_rows: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    grid_cols: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  },
  { additionalProperties: false },
);
export type PhotoUploadFields = Static<typeof PhotoUploadFields>;

export const GridCellSchema = Type.Object(
  { row: Type.Integer({ minimum: 0 }), col: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false, description: 'Zero-based cell of the photo grid' },
);

export const ShelfQuadrantsBody = Type.Object(
  {
    quadrants: Type.Array(
      Type.Object(
        {
          brand_id: Uuid,
          cells: Type.Optional(Type.Array(GridCellSchema, { maxItems: 400 })),
          area_percent: Type.Optional(Nullable(Type.Number({ description: '0–100' }))),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100, description: 'One entry per brand; replaces the photo’s whole set' },
    ),
  },
  { additionalProperties: false },
);
export type ShelfQuadrantsBody = Static<typeof ShelfQuadrantsBody>;

export const ShelfQuadrants = Type.Object({
  photo_id: Uuid,
  grid_rows: Type.Integer(),
  grid_cols: Type.Integer(),
  quadrants: Type.Array(
    Type.Object({
      brand_id: Uuid,
      brand_name: Type.String(),
      is_own: Type.Boolean(),
      cells: Type.Array(GridCellSchema),
      area_percent: Nullable(Type.Number()),
      share_percent: Type.Number({ description: 'Area % if given, else marked cells ÷ grid cells × 100' }),
    }),
  ),
  own_percent: Type.Number({ description: 'Sum of own brands’ shares on this photo' }),
  competitor_percent: Type.Number({ description: 'Sum of competitors’ shares on this photo' }),
});
export type ShelfQuadrants = Static<typeof ShelfQuadrants>;
