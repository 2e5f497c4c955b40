/**
 * IAM members that mean "anyone". Constructs refuse to grant them (invokers, secret readers, cache
 * users) and the policy rules fail a grant that names them. A leaf module, so constructs need not
 * load the policy pack for it.
 */
export const PUBLIC_MEMBERS: readonly string[] = ['allUsers', 'allAuthenticatedUsers'];
