#!/usr/bin/env bash
# All checks of the icsync Magento module (magento-module/), one after the other; `npm run module:test`.
#   1. php -l on every PHP file and template
#   2. every etc/**/*.xml against Magento 2.4's XSDs, when a folder with them and their validate.sh
#      is named by MAGENTO_XSD_DIR (they are Magento's files and not part of this repository)
#   3. PHPUnit (magento-module/phpunit.xml.dist)
#   4. the module contract kit and the cross-language webhook tests on the PHP target
# Needs PHP 8.1+ with xml, mbstring, pdo_sqlite, and PHPUnit (Debian: php-cli php-xml php-mbstring php-sqlite3 phpunit).
set -uo pipefail
cd "$(dirname "$0")/.."
module=magento-module
failed=0

step() { printf '\n=== module: %s\n' "$*"; }

for tool in php phpunit; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "module checks need $tool: apt-get install php-cli php-xml php-mbstring php-sqlite3 phpunit" >&2
    exit 1
  fi
done

step "php -l"
bad=0
count=0
while IFS= read -r -d '' file; do
  count=$((count + 1))
  if ! out=$(php -l "$file" 2>&1); then
    echo "$out"
    bad=$((bad + 1))
  fi
done < <(find "$module" \( -name '*.php' -o -name '*.phtml' \) -print0 | sort -z)
echo "$count file(s), $bad with syntax errors"
[ "$bad" -eq 0 ] || failed=1

step "XSD validation"
if [ -n "${MAGENTO_XSD_DIR:-}" ] && [ -f "$MAGENTO_XSD_DIR/validate.sh" ]; then
  bash "$MAGENTO_XSD_DIR/validate.sh" -v "$module" || failed=1
else
  echo "skipped: set MAGENTO_XSD_DIR to a folder with Magento 2.4's XSDs, their catalog and validate.sh to validate etc/**/*.xml"
fi

step "PHPUnit"
phpunit -c "$module/phpunit.xml.dist" || failed=1

step "contract kit and webhook signature on the PHP target"
ICSYNC_MODULE_TARGET=php ICSYNC_REQUIRE_PHP=1 npx vitest run --reporter=default test/contract/magento-module || failed=1

if [ "$failed" -ne 0 ]; then
  echo "module checks: FAILED" >&2
  exit 1
fi
echo "module checks: all passed"
