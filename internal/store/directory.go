package store

// Directory holds the WorkMail directory: organizations, users, groups,
// aliases, mail domains and tags. (Filled in by the directory work.)
type Directory interface{}
