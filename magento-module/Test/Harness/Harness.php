<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Harness;

use Icsync\ErpSync\Api\Data\InvoiceAttachmentMetadataInterface;
use Icsync\ErpSync\Model\Attachment\AttachmentService;
use Icsync\ErpSync\Model\Attachment\MailAttachments;
use Icsync\ErpSync\Model\Attachment\PendingInvoiceEmail;
use Icsync\ErpSync\Model\Attachment\SqlAttachmentStore;
use Icsync\ErpSync\Model\Attachment\SqlInvoiceLookup;
use Icsync\ErpSync\Model\Attachment\SymfonyMailAttachments;
use Icsync\ErpSync\Model\Config\ArrayModuleConfig;
use Icsync\ErpSync\Model\Data\InvoiceAttachment;
use Icsync\ErpSync\Model\Db\PdoDatabase;
use Icsync\ErpSync\Model\InvoiceAttachmentManagement;
use Icsync\ErpSync\Model\SystemClock;
use Icsync\ErpSync\Plugin\AttachInvoicePdfs;
use Icsync\ErpSync\Plugin\CaptureInvoiceEmail;
use Magento\Framework\Exception\LocalizedException;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Framework\Mail\MimeMessageInterfaceFactory;
use Magento\Framework\Mail\MimePartInterfaceFactory;
use Magento\Framework\Mail\Template\TransportBuilder;

/**
 * The module's REST routes served without Magento: this class stands in for Magento's web API
 * layer (routing, bearer auth, JSON input processing into the service's data object, rendering of
 * exceptions as error bodies) and for the invoice mail sender, and wires the module's own classes
 * (InvoiceAttachmentManagement, AttachmentService, the stores, the mail plugins) to SQLite.
 * The contract kit in the icsync repository runs the same tests against this and the emulator.
 * Test-only routes live under /__harness.
 */
final class Harness
{
    private const ACL = 'Magento_Sales::sales_invoice';
    private const FIELDS = ['file_name', 'mime_type', 'content'];

    private PdoDatabase $db;

    public function __construct(\PDO $pdo, private string $token)
    {
        $this->db = new PdoDatabase($pdo);
        SqliteSchema::create($pdo, dirname(__DIR__, 2) . '/etc/db_schema.xml');
        $pdo->exec('CREATE TABLE IF NOT EXISTS harness_setting (name TEXT PRIMARY KEY, value TEXT NOT NULL)');
        $pdo->exec('CREATE TABLE IF NOT EXISTS harness_email (email_id INTEGER PRIMARY KEY AUTOINCREMENT, invoice_id INTEGER NOT NULL, attachments TEXT NOT NULL)');
    }

    /** @return array{0:int, 1:mixed} HTTP status and the JSON value to answer */
    public function handle(string $method, string $path, ?string $authorization, string $rawBody, array $query = []): array
    {
        if (str_starts_with($path, '/__harness/')) {
            return $this->admin($method, substr($path, strlen('/__harness')), $rawBody, $query);
        }
        if (preg_match('#^/rest(?:/[A-Za-z0-9_]+)?/V1(/.*)$#', $path, $m) !== 1) {
            return self::noRoute();
        }
        $route = $m[1];
        if (preg_match('#^/icsync/invoices/(\d+)/attachments$#', $route, $r) === 1 && ($method === 'POST' || $method === 'GET')) {
            return $this->authorized($authorization) ?? $this->attachments($method, (int) $r[1], $rawBody);
        }
        if (preg_match('#^/invoices/(\d+)/emails$#', $route, $r) === 1 && $method === 'POST') {
            return $this->authorized($authorization) ?? $this->sendInvoiceEmail((int) $r[1]);
        }
        return self::noRoute();
    }

    private static function noRoute(): array
    {
        return [404, ['message' => 'Request does not match any route.']];
    }

    private function authorized(?string $authorization): ?array
    {
        if ($authorization !== null && hash_equals('Bearer ' . $this->token, $authorization)) {
            return null;
        }
        return [401, ['message' => "The consumer isn't authorized to access %resources.", 'parameters' => ['resources' => self::ACL]]];
    }

    private function management(): InvoiceAttachmentManagement
    {
        $config = new ArrayModuleConfig(['max_bytes' => (int) ($this->setting('max_bytes') ?? 5242880)]);
        $service = new AttachmentService(new SqlAttachmentStore($this->db), new SqlInvoiceLookup($this->db), $config, new SystemClock());
        return new InvoiceAttachmentManagement($service);
    }

    private function attachments(string $method, int $invoiceId, string $rawBody): array
    {
        try {
            if ($method === 'GET') {
                return [200, array_map([self::class, 'metadata'], $this->management()->getList($invoiceId))];
            }
            $attachment = $this->inputAttachment($rawBody);
            return [200, $this->management()->add($invoiceId, $attachment)];
        } catch (LocalizedException $e) {
            $body = ['message' => $e->getRawMessage()];
            if ($e->getParameters() !== []) {
                $body['parameters'] = $e->getParameters();
            }
            return [$e instanceof NoSuchEntityException ? 404 : 400, $body];
        }
    }

    /** Magento's ServiceInputProcessor, for this one body: snake_case or camelCase keys onto the data object's setters. */
    private function inputAttachment(string $rawBody): InvoiceAttachment
    {
        $body = json_decode($rawBody, true);
        $input = null;
        foreach (is_array($body) ? $body : [] as $key => $value) {
            if (self::snake((string) $key) === 'attachment') {
                $input = $value;
            }
        }
        if (!is_array($input)) {
            throw new \Magento\Framework\Exception\InputException(new \Magento\Framework\Phrase('"%fieldName" is required. Enter and try again.', ['fieldName' => 'attachment']));
        }
        $attachment = new InvoiceAttachment();
        foreach ($input as $key => $value) {
            $field = self::snake((string) $key);
            if (!in_array($field, self::FIELDS, true)) {
                $camel = str_replace(' ', '', ucwords(str_replace('_', ' ', $field)));
                throw new \Magento\Framework\Exception\InputException(new \Magento\Framework\Phrase('"%fieldName" is not supported. Correct the field name and try again.', ['fieldName' => $camel]));
            }
            $setter = 'set' . str_replace(' ', '', ucwords(str_replace('_', ' ', $field)));
            $attachment->$setter(is_scalar($value) ? (string) $value : null);
        }
        return $attachment;
    }

    private static function snake(string $key): string
    {
        return strtolower((string) preg_replace('/(?<!^)[A-Z]/', '_$0', $key));
    }

    private static function metadata(InvoiceAttachmentMetadataInterface $m): array
    {
        return [
            'attachment_id' => $m->getAttachmentId(),
            'invoice_id' => $m->getInvoiceId(),
            'file_name' => $m->getFileName(),
            'mime_type' => $m->getMimeType(),
            'size' => $m->getSize(),
            'sha256' => $m->getSha256(),
            'created_at' => $m->getCreatedAt(),
        ];
    }

    /**
     * Magento's InvoiceSender on 2.4.0–2.4.7, reduced to the mail-building calls the module hooks:
     * the template variables name the invoice, then the MIME message is created from its parts,
     * then the transport is returned. The parts the module's plugins produced are recorded.
     */
    private function sendInvoiceEmail(int $invoiceId): array
    {
        if ($this->db->fetchAll('SELECT entity_id FROM sales_invoice WHERE entity_id = ?', [$invoiceId]) === []) {
            return [404, ['message' => "The entity that was requested doesn't exist. Verify the entity and try again."]];
        }
        $pending = new PendingInvoiceEmail();
        $mailAttachments = new MailAttachments(new SqlAttachmentStore($this->db));
        $capture = new CaptureInvoiceEmail($pending, $mailAttachments, new SymfonyMailAttachments());
        $attach = new AttachInvoicePdfs($pending, $mailAttachments, new MimePartInterfaceFactory());
        $builder = new TransportBuilder();
        $capture->beforeSetTemplateVars($builder, ['invoice_id' => $invoiceId, 'invoice' => null]);
        $data = ['parts' => [['content' => '<p>Your invoice</p>', 'type' => 'text/html']]];
        $arguments = $attach->beforeCreate(new MimeMessageInterfaceFactory(), $data) ?? [$data];
        $message = (new MimeMessageInterfaceFactory())->create(...$arguments);
        $capture->afterGetTransport($builder, null);
        $files = [];
        foreach (array_slice($message['parts'], 1) as $part) {
            $files[] = [
                'file_name' => $part['fileName'],
                'mime_type' => $part['type'],
                'size' => strlen($part['content']),
                'sha256' => hash('sha256', $part['content']),
                'disposition' => $part['disposition'],
                'encoding' => $part['encoding'],
            ];
        }
        $this->db->insert('harness_email', ['invoice_id' => $invoiceId, 'attachments' => json_encode($files)]);
        return [200, true];
    }

    private function admin(string $method, string $path, string $rawBody, array $query): array
    {
        $body = json_decode($rawBody === '' ? '{}' : $rawBody, true) ?? [];
        if ($method === 'POST' && $path === '/invoices') {
            $orderId = $this->db->insert('sales_order', ['customer_id' => isset($body['customer_id']) ? (int) $body['customer_id'] : null]);
            $invoiceId = $this->db->insert('sales_invoice', ['order_id' => $orderId]);
            return [200, ['invoice_id' => $invoiceId, 'order_id' => $orderId]];
        }
        if ($method === 'GET' && $path === '/emails') {
            $rows = $this->db->fetchAll('SELECT email_id, invoice_id, attachments FROM harness_email ORDER BY email_id');
            return [200, array_map(fn ($r) => ['email_id' => (int) $r['email_id'], 'invoice_id' => (int) $r['invoice_id'], 'attachments' => json_decode($r['attachments'], true)], $rows)];
        }
        if ($method === 'PUT' && $path === '/settings') {
            foreach ($body as $name => $value) {
                $this->db->execute('INSERT OR REPLACE INTO harness_setting (name, value) VALUES (?, ?)', [(string) $name, (string) $value]);
            }
            return [200, true];
        }
        return self::noRoute();
    }

    private function setting(string $name): ?string
    {
        $rows = $this->db->fetchAll('SELECT value FROM harness_setting WHERE name = ?', [$name]);
        return $rows === [] ? null : (string) $rows[0]['value'];
    }
}
