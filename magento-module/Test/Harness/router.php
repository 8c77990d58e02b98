<?php
declare(strict_types=1);

// Router script for PHP's built-in server:
//   ICSYNC_HARNESS_DB=/tmp/x.sqlite ICSYNC_HARNESS_TOKEN=t php -S 127.0.0.1:0 Test/Harness/router.php
// Serves the module's REST routes through Harness (see there); every request goes through here.
require dirname(__DIR__) . '/bootstrap.php';

use Icsync\ErpSync\Test\Harness\Harness;

$database = getenv('ICSYNC_HARNESS_DB') ?: ':memory:';
$token = getenv('ICSYNC_HARNESS_TOKEN') ?: 'harness-token';
$harness = new Harness(new PDO('sqlite:' . $database), $token);

$path = (string) parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
parse_str((string) parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_QUERY), $query);
try {
    [$status, $answer] = $harness->handle(
        $_SERVER['REQUEST_METHOD'] ?? 'GET',
        $path,
        $_SERVER['HTTP_AUTHORIZATION'] ?? null,
        (string) file_get_contents('php://input'),
        $query
    );
} catch (Throwable $e) {
    // Magento in production mode: the detail goes to its log, the client gets a report id.
    error_log((string) $e);
    [$status, $answer] = [500, ['message' => 'Internal Error. Details are available in Magento log file. Report ID: webapi-harness']];
}
http_response_code($status);
header('Content-Type: application/json; charset=utf-8');
echo json_encode($answer, JSON_UNESCAPED_UNICODE);
