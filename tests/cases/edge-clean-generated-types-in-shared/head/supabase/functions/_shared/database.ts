export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      uploads: {
        Row: {
          id: string
          in_progress_size: number
          instance_id: string | null
          created_at: string
        }
        Insert: {
          id?: string
          in_progress_size?: number
          instance_id?: string | null
          created_at?: string
        }
        Update: {
          id?: string
          in_progress_size?: number
          instance_id?: string | null
          created_at?: string
        }
        Relationships: []
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type PublicSchema = Database[Extract<keyof Database, "public">]

export type Tables<
  TableName extends keyof PublicSchema["Tables"],
> = PublicSchema["Tables"][TableName]["Row"]
