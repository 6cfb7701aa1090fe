"""initial schema

Revision ID: 2a81c577c031
Revises: 
Create Date: 2026-11-25 13:02:33.899522

"""
from alembic import op
import sqlalchemy as sa

import zhanqun.platform.db


# revision identifiers, used by Alembic.
revision = '2a81c577c031'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalogue_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('topic', 'genre', name='termkind', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_term')),
    sa.UniqueConstraint('kind', 'code', name='uq_catalogue_term_kind_code'),
    sa.UniqueConstraint('kind', 'name', name='uq_catalogue_term_kind_name')
    )
    op.create_table('census_external_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url_hash', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('checked_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_census_external_link')),
    sa.UniqueConstraint('url_hash', name=op.f('uq_census_external_link_url_hash'))
    )
    op.create_table('platform_counter',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_platform_counter'))
    )
    op.create_table('sync_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_code', sa.String(length=32), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_key')),
    sa.UniqueConstraint('site_code', name=op.f('uq_sync_key_site_code'))
    )
    op.create_table('sync_received_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_code', sa.String(length=32), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('received_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_received_message')),
    sa.UniqueConstraint('site_code', 'message_id', name='uq_sync_received_message_site_message')
    )
    with op.batch_alter_table('sync_received_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_received_message_received_at'), ['received_at'], unique=False)

    op.create_table('tenant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('portal', 'department', name='tenantkind', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('active', 'suspended', 'archived', name='tenantstatus', native_enum=False, length=16), nullable=False),
    sa.Column('site_code', sa.String(length=32), nullable=False),
    sa.Column('org_code', sa.String(length=32), nullable=False),
    sa.Column('sponsor', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('icp_number', sa.String(length=64), nullable=False),
    sa.Column('police_number', sa.String(length=64), nullable=False),
    sa.Column('theme', sa.String(length=64), nullable=False),
    sa.Column('default_locale', sa.String(length=16), nullable=False),
    sa.Column('theme_settings', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('review_requires_other_person', sa.Boolean(), nullable=False),
    sa.Column('last_exported_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant')),
    sa.UniqueConstraint('slug', name=op.f('uq_tenant_slug'))
    )
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.create_index('uq_tenant_one_portal', ['kind'], unique=True, sqlite_where=sa.text("kind = 'portal'"), postgresql_where=sa.text("kind = 'portal'"))

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_platform_admin', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('last_login_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_api_token_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_api_token_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('client_address', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_audit_event_tenant_id_tenant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_event_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_event_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('catalogue_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('index_pattern', sa.String(length=100), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_catalogue_settings_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_settings')),
    sa.UniqueConstraint('tenant_id', name='uq_catalogue_settings_tenant_id')
    )
    with op.batch_alter_table('catalogue_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_settings_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('census_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('running', 'done', 'failed', name='runstatus', native_enum=False, length=16), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('site_slug', sa.String(length=63), nullable=False),
    sa.Column('external', sa.Boolean(), nullable=False),
    sa.Column('sites_total', sa.Integer(), nullable=False),
    sa.Column('sites_done', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('current_site', sa.String(length=63), nullable=False),
    sa.Column('heartbeat_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'], name=op.f('fk_census_run_started_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_census_run'))
    )
    with op.batch_alter_table('census_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_census_run_started_at'), ['started_at'], unique=False)

    op.create_table('media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('image', 'document', 'archive', name='mediakind', native_enum=False, length=16), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('has_thumbnail', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('alt_text', sa.String(length=255), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_media_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_media_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media')),
    sa.UniqueConstraint('tenant_id', 'sha256', name='uq_media_tenant_sha256')
    )
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.create_index('ix_media_tenant_created', ['tenant_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('editor', 'reviewer', 'site_admin', name='role', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_membership_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('user_id', 'tenant_id', name='uq_membership_user_tenant')
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('site_column',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('kind', sa.Enum('list', 'page', 'link', 'catalogue', 'topic', name='columnkind', native_enum=False, length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link_url', sa.String(length=500), nullable=False),
    sa.Column('page_size', sa.Integer(), nullable=False),
    sa.Column('update_category', sa.Enum('news', 'notice', 'overview', 'none', name='updatecategory', native_enum=False, length=16), nullable=False),
    sa.Column('update_interval_days', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['site_column.id'], name=op.f('fk_site_column_parent_id_site_column'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_site_column_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_column')),
    sa.UniqueConstraint('tenant_id', 'parent_id', 'slug', name='uq_site_column_tenant_parent_slug')
    )
    with op.batch_alter_table('site_column', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_column_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_column_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sync_outbox_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('entry_uid', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('operation', sa.Enum('upsert', 'withdraw', name='operation', native_enum=False, length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'delivered', 'parked', name='eventstate', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sync_outbox_event_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_outbox_event')),
    sa.UniqueConstraint('uid', name=op.f('uq_sync_outbox_event_uid'))
    )
    with op.batch_alter_table('sync_outbox_event', schema=None) as batch_op:
        batch_op.create_index('ix_sync_outbox_event_due', ['state', 'next_attempt_at', 'id'], unique=False)
        batch_op.create_index('ix_sync_outbox_event_entry', ['entry_uid', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_outbox_event_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sync_portal_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_site_code', sa.String(length=32), nullable=False),
    sa.Column('source_slug', sa.String(length=63), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('entry_uid', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('index_number', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=False),
    sa.Column('topic_code', sa.String(length=16), nullable=False),
    sa.Column('topic_name', sa.String(length=100), nullable=False),
    sa.Column('genre_code', sa.String(length=16), nullable=False),
    sa.Column('genre_name', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('published_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('validity', sa.String(length=16), nullable=False),
    sa.Column('validity_note', sa.String(length=300), nullable=False),
    sa.Column('disclosure_mode', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('received_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sync_portal_copy_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_portal_copy')),
    sa.UniqueConstraint('tenant_id', 'source_site_code', 'entry_uid', name='uq_sync_portal_copy_source')
    )
    with op.batch_alter_table('sync_portal_copy', schema=None) as batch_op:
        batch_op.create_index('ix_sync_portal_copy_public', ['tenant_id', 'withdrawn', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_portal_copy_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('tenant_domain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('hostname', sa.String(length=253), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_tenant_domain_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_domain')),
    sa.UniqueConstraint('hostname', name=op.f('uq_tenant_domain_hostname'))
    )
    with op.batch_alter_table('tenant_domain', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_domain_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('workflow_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_type', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.Enum('draft', 'submitted', 'published', 'rejected', 'withdrawn', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('to_status', sa.Enum('draft', 'submitted', 'published', 'rejected', 'withdrawn', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_workflow_transition_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_workflow_transition_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_transition'))
    )
    with op.batch_alter_table('workflow_transition', schema=None) as batch_op:
        batch_op.create_index('ix_workflow_transition_item', ['item_type', 'item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_transition_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('column_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('subtitle', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('cover_media_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'published', 'rejected', 'withdrawn', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('published_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['column_id'], ['site_column.id'], name=op.f('fk_article_column_id_site_column'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cover_media_id'], ['media.id'], name=op.f('fk_article_cover_media_id_media'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_article_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_article_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article'))
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_column_id'), ['column_id'], unique=False)
        batch_op.create_index('ix_article_column_public', ['tenant_id', 'column_id', 'status', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_cover_media_id'), ['cover_media_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_published_at'), ['published_at'], unique=False)
        batch_op.create_index('ix_article_site_public', ['tenant_id', 'status', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('catalogue_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('column_id', sa.Integer(), nullable=True),
    sa.Column('index_number', sa.String(length=64), nullable=False),
    sa.Column('index_year', sa.Integer(), nullable=False),
    sa.Column('index_seq', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('genre_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('validity', sa.Enum('valid', 'expired', 'repealed', name='validity', native_enum=False, length=16), nullable=False),
    sa.Column('validity_note', sa.String(length=300), nullable=False),
    sa.Column('disclosure_mode', sa.Enum('active', 'on_request', name='disclosuremode', native_enum=False, length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('on_portal', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'published', 'rejected', 'withdrawn', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('published_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['column_id'], ['site_column.id'], name=op.f('fk_catalogue_entry_column_id_site_column'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_catalogue_entry_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['genre_id'], ['catalogue_term.id'], name=op.f('fk_catalogue_entry_genre_id_catalogue_term'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_catalogue_entry_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['catalogue_term.id'], name=op.f('fk_catalogue_entry_topic_id_catalogue_term'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_entry')),
    sa.UniqueConstraint('tenant_id', 'index_number', name='uq_catalogue_entry_tenant_index_number'),
    sa.UniqueConstraint('tenant_id', 'index_year', 'index_seq', name='uq_catalogue_entry_tenant_year_seq'),
    sa.UniqueConstraint('uid', name=op.f('uq_catalogue_entry_uid'))
    )
    with op.batch_alter_table('catalogue_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_entry_column_id'), ['column_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_entry_genre_id'), ['genre_id'], unique=False)
        batch_op.create_index('ix_catalogue_entry_public', ['tenant_id', 'status', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_entry_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_entry_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_entry_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_entry_topic_id'), ['topic_id'], unique=False)

    op.create_table('census_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('check', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.Enum('veto', 'ordinary', name='severity', native_enum=False, length=16), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('open', 'fixed', 'waived', name='findingstatus', native_enum=False, length=16), nullable=False),
    sa.Column('waive_reason', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('first_seen_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['last_run_id'], ['census_run.id'], name=op.f('fk_census_finding_last_run_id_census_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_census_finding_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_census_finding')),
    sa.UniqueConstraint('tenant_id', 'fingerprint', name='uq_census_finding_tenant_fingerprint')
    )
    with op.batch_alter_table('census_finding', schema=None) as batch_op:
        batch_op.create_index('ix_census_finding_status_severity', ['status', 'severity'], unique=False)
        batch_op.create_index(batch_op.f('ix_census_finding_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('article_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_attachment_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], name=op.f('fk_article_attachment_media_id_media'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_article_attachment_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_attachment')),
    sa.UniqueConstraint('article_id', 'media_id', name='uq_article_attachment_article_media')
    )
    with op.batch_alter_table('article_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_attachment_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_attachment_media_id'), ['media_id'], unique=False)
        batch_op.create_index('ix_article_attachment_tenant_article', ['tenant_id', 'article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_attachment_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('article_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('column_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('subtitle', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('published_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cover_media_id', sa.Integer(), nullable=True),
    sa.Column('attachment_ids', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', zhanqun.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_revision_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_article_revision_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_article_revision_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_revision')),
    sa.UniqueConstraint('article_id', 'number', name='uq_article_revision_article_number')
    )
    with op.batch_alter_table('article_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_revision_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_revision_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('catalogue_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['catalogue_entry.id'], name=op.f('fk_catalogue_attachment_entry_id_catalogue_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], name=op.f('fk_catalogue_attachment_media_id_media'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_catalogue_attachment_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_attachment')),
    sa.UniqueConstraint('entry_id', 'media_id', name='uq_catalogue_attachment_entry_media')
    )
    with op.batch_alter_table('catalogue_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_attachment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_attachment_media_id'), ['media_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogue_attachment_tenant_id'), ['tenant_id'], unique=False)

def downgrade():
    with op.batch_alter_table('catalogue_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_attachment_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_catalogue_attachment_media_id'))
        batch_op.drop_index(batch_op.f('ix_catalogue_attachment_entry_id'))

    op.drop_table('catalogue_attachment')
    with op.batch_alter_table('article_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_revision_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_article_revision_article_id'))

    op.drop_table('article_revision')
    with op.batch_alter_table('article_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_attachment_tenant_id'))
        batch_op.drop_index('ix_article_attachment_tenant_article')
        batch_op.drop_index(batch_op.f('ix_article_attachment_media_id'))
        batch_op.drop_index(batch_op.f('ix_article_attachment_article_id'))

    op.drop_table('article_attachment')
    with op.batch_alter_table('census_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_census_finding_tenant_id'))
        batch_op.drop_index('ix_census_finding_status_severity')

    op.drop_table('census_finding')
    with op.batch_alter_table('catalogue_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_entry_topic_id'))
        batch_op.drop_index(batch_op.f('ix_catalogue_entry_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_catalogue_entry_status'))
        batch_op.drop_index(batch_op.f('ix_catalogue_entry_published_at'))
        batch_op.drop_index('ix_catalogue_entry_public')
        batch_op.drop_index(batch_op.f('ix_catalogue_entry_genre_id'))
        batch_op.drop_index(batch_op.f('ix_catalogue_entry_column_id'))

    op.drop_table('catalogue_entry')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_article_status'))
        batch_op.drop_index('ix_article_site_public')
        batch_op.drop_index(batch_op.f('ix_article_published_at'))
        batch_op.drop_index(batch_op.f('ix_article_cover_media_id'))
        batch_op.drop_index('ix_article_column_public')
        batch_op.drop_index(batch_op.f('ix_article_column_id'))

    op.drop_table('article')
    with op.batch_alter_table('workflow_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_transition_tenant_id'))
        batch_op.drop_index('ix_workflow_transition_item')

    op.drop_table('workflow_transition')
    with op.batch_alter_table('tenant_domain', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_domain_tenant_id'))

    op.drop_table('tenant_domain')
    with op.batch_alter_table('sync_portal_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_portal_copy_tenant_id'))
        batch_op.drop_index('ix_sync_portal_copy_public')

    op.drop_table('sync_portal_copy')
    with op.batch_alter_table('sync_outbox_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_outbox_event_tenant_id'))
        batch_op.drop_index('ix_sync_outbox_event_entry')
        batch_op.drop_index('ix_sync_outbox_event_due')

    op.drop_table('sync_outbox_event')
    with op.batch_alter_table('site_column', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_column_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_site_column_parent_id'))

    op.drop_table('site_column')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_membership_tenant_id'))

    op.drop_table('membership')
    with op.batch_alter_table('media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_media_tenant_id'))
        batch_op.drop_index('ix_media_tenant_created')

    op.drop_table('media')
    with op.batch_alter_table('census_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_census_run_started_at'))

    op.drop_table('census_run')
    with op.batch_alter_table('catalogue_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_settings_tenant_id'))

    op.drop_table('catalogue_settings')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_tenant_id'))
        batch_op.drop_index('ix_audit_event_created_at')
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_tenant_id'))

    op.drop_table('api_token')
    op.drop_table('user_account')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_index('uq_tenant_one_portal', sqlite_where=sa.text("kind = 'portal'"), postgresql_where=sa.text("kind = 'portal'"))

    op.drop_table('tenant')
    with op.batch_alter_table('sync_received_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_received_message_received_at'))

    op.drop_table('sync_received_message')
    op.drop_table('sync_key')
    op.drop_table('platform_counter')
    op.drop_table('census_external_link')
    op.drop_table('catalogue_term')
