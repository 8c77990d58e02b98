<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Controller\Attachment;

use Icsync\ErpSync\Model\Attachment\AttachmentStore;
use Icsync\ErpSync\Model\Attachment\DownloadPolicy;
use Magento\Customer\Model\Session;
use Magento\Framework\App\Action\HttpGetActionInterface;
use Magento\Framework\App\Filesystem\DirectoryList;
use Magento\Framework\App\RequestInterface;
use Magento\Framework\App\Response\Http\FileFactory;
use Magento\Framework\Controller\Result\ForwardFactory;

/**
 * Storefront: icsync/attachment/download/id/N — only for the logged-in customer whose order the
 * invoice belongs to. Anyone else gets the shop's 404 page, so nobody learns an id exists.
 */
final class Download implements HttpGetActionInterface
{
    public function __construct(
        private RequestInterface $request,
        private Session $customerSession,
        private AttachmentStore $store,
        private DownloadPolicy $policy,
        private FileFactory $fileFactory,
        private ForwardFactory $forwardFactory
    ) {
    }

    public function execute()
    {
        $attachment = $this->store->get((int) $this->request->getParam('id'));
        $customerId = $this->customerSession->isLoggedIn() ? (int) $this->customerSession->getCustomerId() : null;
        if ($attachment === null || !$this->policy->customerMayDownload($customerId, $attachment)) {
            return $this->forwardFactory->create()->forward('noroute');
        }
        return $this->fileFactory->create($attachment['file_name'], $attachment['content'], DirectoryList::VAR_DIR, $attachment['mime_type']);
    }
}
