/** The memberships aggregate (kept under the member's user id): the rooms the user is in or invited to. */
export interface MembershipsState {
  /** By room id, as the homeserver reported them; absent until the first membership. */
  readonly rooms?: Readonly<Record<string, 'join' | 'invite' | 'knock'>>;
}
