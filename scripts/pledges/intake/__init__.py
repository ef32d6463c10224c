"""The public ledger's intake: GitHub issue forms generated from the models, and `pledges intake`,
which turns a submitted form's body into checked records (or names each problem by its field label)."""
