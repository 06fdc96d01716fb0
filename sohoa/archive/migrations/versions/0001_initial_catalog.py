"""Initial catalog: owners, dossiers, documents (with TT 02/2019 archival metadata), pages,
jobs, job inputs, quarantine, stage cache, search outbox and the hash-chained audit log.

Self-contained on purpose (no imports from sohoa.archive.models): a migration must keep meaning
what it meant when it was written, whatever the models become.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.archive.migrations.kept import refuse_dropping_records

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STORED = sa.text("status = 'stored'")


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=128), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_target'), ['target'], unique=False)

    op.create_table('dossiers',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('procedure_code', sa.String(length=64), nullable=True),
    sa.Column('receiving_unit', sa.String(length=128), nullable=True),
    sa.Column('competent_unit', sa.String(length=128), nullable=True),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_dossiers'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=128), nullable=True),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    op.create_table('owners',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('name', sa.String(length=256), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owners'))
    )
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=16), nullable=False),
    sa.Column('op', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    op.create_table('stage_cache',
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('stage', 'key', name=op.f('pk_stage_cache'))
    )
    op.create_table('documents',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('doc_key', sa.String(length=64), nullable=False),
    sa.Column('dossier_code', sa.String(length=64), nullable=False),
    sa.Column('owner_id', sa.String(length=32), nullable=True),
    sa.Column('unit', sa.String(length=128), nullable=True),
    sa.Column('doc_type', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=512), nullable=False),
    sa.Column('document_number', sa.String(length=128), nullable=True),
    sa.Column('issuing_body', sa.String(length=256), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_size', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('field_flags', sa.JSON(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('review_reasons', sa.JSON(), nullable=False),
    sa.Column('signature_level', sa.String(length=8), nullable=True),
    sa.Column('signer', sa.String(length=256), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signer_cert_sha256', sa.String(length=64), nullable=True),
    sa.Column('retention', sa.String(length=32), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('arc_type_name', sa.String(length=256), nullable=True, comment='Tên loại văn bản'),
    sa.Column('arc_number', sa.String(length=32), nullable=True, comment='Số của văn bản'),
    sa.Column('arc_notation', sa.String(length=64), nullable=True, comment='Ký hiệu của văn bản'),
    sa.Column('arc_date', sa.Date(), nullable=True, comment='Ngày tháng năm văn bản'),
    sa.Column('arc_issuer', sa.String(length=256), nullable=True, comment='Tên cơ quan ban hành'),
    sa.Column('arc_summary', sa.Text(), nullable=True, comment='Trích yếu nội dung'),
    sa.Column('arc_language', sa.String(length=64), nullable=True, comment='Ngôn ngữ'),
    sa.Column('arc_page_count', sa.Integer(), nullable=True, comment='Số lượng trang'),
    sa.Column('arc_retention', sa.String(length=64), nullable=True, comment='Thời hạn bảo quản'),
    sa.Column('arc_access', sa.String(length=64), nullable=True, comment='Chế độ sử dụng'),
    sa.Column('arc_reliability', sa.String(length=64), nullable=True, comment='Mức độ tin cậy'),
    sa.Column('arc_physical_state', sa.String(length=128), nullable=True,
              comment='Tình trạng vật lý'),
    sa.ForeignKeyConstraint(['dossier_code'], ['dossiers.code'],
                            name=op.f('fk_documents_dossier_code_dossiers')),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_documents_owner_id_owners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('doc_key', name=op.f('uq_documents_doc_key'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_dossier_code'), ['dossier_code'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_documents_pdf_sha256'), ['pdf_sha256'],
                              unique=False)
        # Covering, partial: reuse lookups are answered from the index alone.
        batch_op.create_index(
            "ix_documents_reuse",
            ["owner_id", "status", "doc_type", "valid_until", "issue_date", "id", "title",
             "document_number", "issuing_body", "signature_level", "signer", "needs_review"],
            unique=False,
            sqlite_where=STORED,
            postgresql_where=STORED,
        )

    op.create_table('job_inputs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('job_id', sa.String(length=32), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_inputs_job_id_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_inputs')),
    sa.UniqueConstraint('job_id', 'source', name=op.f('uq_job_inputs_job_id_source'))
    )
    with op.batch_alter_table('job_inputs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_inputs_sha256'), ['sha256'], unique=False)

    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('job_id', sa.String(length=32), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('page_index', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_quarantine_job_id_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine'))
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_job_id'), ['job_id'], unique=False)

    op.create_table('pages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_index', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('rotation', sa.Integer(), nullable=False),
    sa.Column('skew', sa.Float(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                            name=op.f('fk_pages_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('document_id', 'position', name=op.f('uq_pages_document_id_position'))
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_pages_blob_sha256'), ['blob_sha256'], unique=False)



def downgrade() -> None:
    refuse_dropping_records("pages", "documents", "audit_log")
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_blob_sha256'))
        batch_op.drop_index(batch_op.f('ix_pages_sha256'))

    op.drop_table('pages')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_job_id'))

    op.drop_table('quarantine')
    with op.batch_alter_table('job_inputs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_inputs_sha256'))

    op.drop_table('job_inputs')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index("ix_documents_reuse", sqlite_where=STORED, postgresql_where=STORED)
        batch_op.drop_index(batch_op.f('ix_documents_pdf_sha256'))
        batch_op.drop_index(batch_op.f('ix_documents_dossier_code'))

    op.drop_table('documents')
    op.drop_table('stage_cache')
    op.drop_table('search_outbox')
    op.drop_table('owners')
    op.drop_table('jobs')
    op.drop_table('dossiers')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_target'))

    op.drop_table('audit_log')
    op.drop_table('audit_head')
