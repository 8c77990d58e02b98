<?php
declare(strict_types=1);

// Autoloading without composer: the module's classes by PSR-4 from the module root, and the
// Magento (and Symfony Mime) stand-ins (Test/StandIn) for the few framework types the tests and the harness load.
spl_autoload_register(static function (string $class): void {
    $roots = [
        'Icsync\\ErpSync\\' => dirname(__DIR__) . '/',
        'Magento\\' => __DIR__ . '/StandIn/Magento/',
        'Symfony\\' => __DIR__ . '/StandIn/Symfony/',
    ];
    foreach ($roots as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});
