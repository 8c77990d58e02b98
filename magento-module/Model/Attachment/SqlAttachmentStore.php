<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

use Icsync\ErpSync\Model\Db\Blob;
use Icsync\ErpSync\Model\Db\Database;

/** Attachments in the icsync_invoice_attachment table (etc/db_schema.xml). */
final class SqlAttachmentStore implements AttachmentStore
{
    private const META = 'attachment_id, invoice_id, file_name, mime_type, size, sha256, created_at';

    public function __construct(private Database $db)
    {
    }

    public function findSame(int $invoiceId, string $sha256, string $fileName): ?int
    {
        $rows = $this->db->fetchAll(
            'SELECT attachment_id FROM ' . $this->table() . ' WHERE invoice_id = ? AND sha256 = ? AND file_name = ?',
            [$invoiceId, $sha256, $fileName]
        );
        return $rows === [] ? null : (int) $rows[0]['attachment_id'];
    }

    public function insert(array $row): int
    {
        $row['content'] = new Blob($row['content']);
        return $this->db->insert($this->table(), $row);
    }

    public function listFor(int $invoiceId): array
    {
        $rows = $this->db->fetchAll('SELECT ' . self::META . ' FROM ' . $this->table() . ' WHERE invoice_id = ? ORDER BY attachment_id', [$invoiceId]);
        return array_map([$this, 'typed'], $rows);
    }

    public function get(int $attachmentId): ?array
    {
        $rows = $this->db->fetchAll('SELECT ' . self::META . ', content FROM ' . $this->table() . ' WHERE attachment_id = ?', [$attachmentId]);
        return $rows === [] ? null : $this->typed($rows[0]);
    }

    public function withContentFor(int $invoiceId): array
    {
        $rows = $this->db->fetchAll('SELECT ' . self::META . ', content FROM ' . $this->table() . ' WHERE invoice_id = ? ORDER BY attachment_id', [$invoiceId]);
        return array_map([$this, 'typed'], $rows);
    }

    private function table(): string
    {
        return $this->db->table('icsync_invoice_attachment');
    }

    private function typed(array $row): array
    {
        $out = [
            'attachment_id' => (int) $row['attachment_id'],
            'invoice_id' => (int) $row['invoice_id'],
            'file_name' => (string) $row['file_name'],
            'mime_type' => (string) $row['mime_type'],
            'size' => (int) $row['size'],
            'sha256' => (string) $row['sha256'],
            'created_at' => (string) $row['created_at'],
        ];
        if (array_key_exists('content', $row)) {
            $content = $row['content'];
            $out['content'] = is_resource($content) ? (string) stream_get_contents($content) : (string) $content;
        }
        return $out;
    }
}
