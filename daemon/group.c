/* placeholder */
typedef int hersteld_placeholder_group;
