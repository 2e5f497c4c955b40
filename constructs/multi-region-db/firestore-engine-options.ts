/** Options for the Firestore engine. */
export interface FirestoreEngineOptions {
  /**
   * Firestore multi-region location: "nam5" (United States) or "eur3" (Europe). Writes are
   * synchronously replicated across the regions of the location.
   * @default - "eur3" when the primary region is in Europe, else "nam5"
   */
  readonly locationId?: string;
  /** Database id. @default - the MultiRegionDb base name */
  readonly databaseId?: string;
}
