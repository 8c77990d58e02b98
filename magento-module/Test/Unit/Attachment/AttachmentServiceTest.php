<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Unit\Attachment;

use Icsync\ErpSync\Model\Attachment\AttachmentRejected;
use Icsync\ErpSync\Model\Attachment\AttachmentService;
use Icsync\ErpSync\Model\Attachment\SqlAttachmentStore;
use Icsync\ErpSync\Model\Attachment\SqlInvoiceLookup;
use Icsync\ErpSync\Model\Clock;
use Icsync\ErpSync\Model\Config\ArrayModuleConfig;
use Icsync\ErpSync\Model\Db\PdoDatabase;
use Icsync\ErpSync\Test\Harness\SqliteSchema;
use PHPUnit\Framework\TestCase;

final class AttachmentServiceTest extends TestCase
{
    private const PDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

    private PdoDatabase $db;
    private int $invoiceId;

    protected function setUp(): void
    {
        $pdo = new \PDO('sqlite::memory:');
        SqliteSchema::create($pdo, dirname(__DIR__, 3) . '/etc/db_schema.xml');
        $this->db = new PdoDatabase($pdo);
        $order = $this->db->insert('sales_order', ['customer_id' => 7]);
        $this->invoiceId = $this->db->insert('sales_invoice', ['order_id' => $order]);
    }

    private function service(int $maxBytes = 5242880): AttachmentService
    {
        $clock = new class implements Clock {
            public function now(): \DateTimeImmutable
            {
                return new \DateTimeImmutable('2026-01-05 09:12:00', new \DateTimeZone('Europe/Ljubljana'));
            }
        };
        return new AttachmentService(new SqlAttachmentStore($this->db), new SqlInvoiceLookup($this->db), new ArrayModuleConfig(['max_bytes' => $maxBytes]), $clock);
    }

    private function rejection(callable $call): AttachmentRejected
    {
        try {
            $call();
        } catch (AttachmentRejected $e) {
            return $e;
        }
        self::fail('expected a refusal');
    }

    public function testStoresAPdfOnceAndListsItsMetadataInUtc(): void
    {
        $service = $this->service();
        $id = $service->add($this->invoiceId, 'racun-2026-1.pdf', 'application/pdf', base64_encode(self::PDF));
        self::assertSame($id, $service->add($this->invoiceId, ' racun-2026-1.pdf ', 'Application/PDF', chunk_split(base64_encode(self::PDF), 8, "\r\n")));
        self::assertNotSame($id, $service->add($this->invoiceId, 'kopija.pdf', 'application/pdf', base64_encode(self::PDF)));
        self::assertNotSame($id, $service->add($this->invoiceId, 'racun-2026-1.pdf', 'application/pdf', base64_encode(self::PDF . ' ')));
        $list = $service->listFor($this->invoiceId);
        self::assertCount(3, $list);
        self::assertSame([
            'attachment_id' => $id,
            'invoice_id' => $this->invoiceId,
            'file_name' => 'racun-2026-1.pdf',
            'mime_type' => 'application/pdf',
            'size' => strlen(self::PDF),
            'sha256' => hash('sha256', self::PDF),
            'created_at' => '2026-01-05 08:12:00',
        ], $list[0]);
        self::assertArrayNotHasKey('content', $list[0]);
    }

    public function testARacingDuplicateGetsTheIdOfTheOneStored(): void
    {
        // The store finds nothing before the insert (the other upload was not committed yet), then the unique key refuses.
        $inner = new SqlAttachmentStore($this->db);
        $first = $inner->insert(['invoice_id' => $this->invoiceId, 'file_name' => 'a.pdf', 'mime_type' => 'application/pdf', 'size' => strlen(self::PDF), 'sha256' => hash('sha256', self::PDF), 'content' => self::PDF, 'created_at' => '2026-01-05 08:12:00']);
        $racing = new class ($inner) implements \Icsync\ErpSync\Model\Attachment\AttachmentStore {
            private bool $looked = false;

            public function __construct(private SqlAttachmentStore $inner)
            {
            }

            public function findSame(int $invoiceId, string $sha256, string $fileName): ?int
            {
                if (!$this->looked) {
                    $this->looked = true;
                    return null;
                }
                return $this->inner->findSame($invoiceId, $sha256, $fileName);
            }

            public function insert(array $row): int
            {
                return $this->inner->insert($row);
            }

            public function listFor(int $invoiceId): array
            {
                return $this->inner->listFor($invoiceId);
            }

            public function get(int $attachmentId): ?array
            {
                return $this->inner->get($attachmentId);
            }

            public function withContentFor(int $invoiceId): array
            {
                return $this->inner->withContentFor($invoiceId);
            }
        };
        $service = new AttachmentService($racing, new SqlInvoiceLookup($this->db), new ArrayModuleConfig(), new \Icsync\ErpSync\Model\SystemClock());
        self::assertSame($first, $service->add($this->invoiceId, 'a.pdf', 'application/pdf', base64_encode(self::PDF)));
        self::assertCount(1, $inner->listFor($this->invoiceId));
    }

    public function testUnknownInvoiceComesFirst(): void
    {
        $e = $this->rejection(fn () => $this->service()->add(999, '', '', ''));
        self::assertSame(404, $e->httpStatus());
        self::assertSame(['message' => "The entity that was requested doesn't exist. Verify the entity and try again."], $e->body());
        self::assertSame(404, $this->rejection(fn () => $this->service()->listFor(999))->httpStatus());
    }

    /** @dataProvider refusals */
    public function testRefusesInTheContractsOrder(array $input, array $body, int $maxBytes = 5242880): void
    {
        $e = $this->rejection(fn () => $this->service($maxBytes)->add($this->invoiceId, ...$input));
        self::assertSame(400, $e->httpStatus());
        self::assertSame($body, $e->body());
        self::assertSame([], $this->service()->listFor($this->invoiceId), 'nothing stored');
    }

    public static function refusals(): array
    {
        $pdf = base64_encode(self::PDF);
        $required = fn (string $f) => ['message' => '"%fieldName" is required. Enter and try again.', 'parameters' => ['fieldName' => $f]];
        return [
            'file name empty' => [[' ', 'text/plain', 'x'], $required('file_name')],
            'mime type missing' => [['a.pdf', null, 'x'], $required('mime_type')],
            'content empty' => [['a.pdf', 'application/pdf', " \n"], $required('content')],
            'slash in name' => [['a/b.pdf', 'text/plain', 'x'], ['message' => 'The file name "%1" is not valid.', 'parameters' => ['a/b.pdf']]],
            'backslash in name' => [['a\\b.pdf', 'application/pdf', $pdf], ['message' => 'The file name "%1" is not valid.', 'parameters' => ['a\\b.pdf']]],
            'NUL in name' => [["a\0.pdf", 'application/pdf', $pdf], ['message' => 'The file name "%1" is not valid.', 'parameters' => ["a\0.pdf"]]],
            'name of 256 characters' => [[str_repeat('č', 252) . '.pdf', 'application/pdf', $pdf], ['message' => 'The file name "%1" is not valid.', 'parameters' => [str_repeat('č', 252) . '.pdf']]],
            'not a pdf type' => [['a.txt', 'text/plain', 'not base64!'], ['message' => 'The attachment type "%1" is not allowed. Only PDF documents can be attached.', 'parameters' => ['text/plain']]],
            'not base64' => [['a.pdf', 'application/pdf', 'JVBE*g=='], ['message' => 'The attachment content is not valid base64.']],
            'base64 of a wrong length' => [['a.pdf', 'application/pdf', 'JVBERi0'], ['message' => 'The attachment content is not valid base64.']],
            'one byte too large' => [['a.pdf', 'application/pdf', $pdf], ['message' => 'The attachment is larger than the allowed %1 bytes.', 'parameters' => [strlen(self::PDF) - 1]], strlen(self::PDF) - 1],
            'not a pdf document' => [['a.pdf', 'application/pdf', base64_encode('hello')], ['message' => 'The attachment content is not a PDF document.']],
        ];
    }

    public function testADocumentOfExactlyTheLimitIsAccepted(): void
    {
        self::assertIsInt($this->service(strlen(self::PDF))->add($this->invoiceId, 'a.pdf', 'application/pdf', base64_encode(self::PDF)));
    }

    public function testANameOf255CharactersIsAccepted(): void
    {
        self::assertIsInt($this->service()->add($this->invoiceId, str_repeat('č', 251) . '.pdf', 'application/pdf', base64_encode(self::PDF)));
    }
}
